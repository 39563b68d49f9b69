using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Rapport.Access;
using Rapport.Caseload;
using Rapport.CheckIns;
using Rapport.Clinical.Instruments;
using Rapport.Email;
using Rapport.Episodes;
using Rapport.Measures;
using Rapport.Persistence;
using Rapport.Reminders;
using Rapport.Sessions;
using Rapport.Tests.Support;

namespace Rapport.Tests.Measures;

/// <summary>
/// What the check-in can ask is the only thing that is ever due: without its wording the C-NIP is neither overdue on
/// the dashboard nor due on the episode view nor reminded; once a practice imports its wording it is all three, and
/// the plan form offers it as askable.
/// </summary>
public sealed class AskableInstrumentTests : IDisposable
{
    private const string Client3 = Personas.Client3;
    private readonly string _folder = Directory.CreateTempSubdirectory("rapport-askable-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>
    /// Client3's episode asks only the C-NIP, before each session, and the clock stands just after their next session
    /// began: the C-NIP is overdue if it can be asked at all.
    /// </summary>
    private static async Task<(Guid EpisodeId, FakeTimeProvider Clock)> OnlyTheCNipIsDueAsync(TestDatabase database)
    {
        var client = await database.ClientIdAsync(Client3);
        await using var db = database.Open(Viewer.System);
        var episode = await db.Episodes.SingleAsync(e => e.Status != EpisodeStatus.Ended && e.Members.Any(m => m.ClientId == client && m.LeftOn == null));
        episode.MeasurementPlan = MeasurementPlan.Format([new PlannedMeasure(InstrumentCatalog.CNipId, MeasureTiming.BeforeEachSession)]);
        await db.SaveChangesAsync();
        var next = await db.Sessions.Where(s => s.EpisodeId == episode.Id && s.Status == SessionStatus.Scheduled).MinAsync(s => s.StartsAt);
        var clock = new FakeTimeProvider(new DateTimeOffset(DateTime.SpecifyKind(next, DateTimeKind.Utc).AddMinutes(1)));
        var practice = await db.Practices.SingleAsync(p => p.Id == episode.PracticeId);
        Assert.False(SendCheckInReminders.InQuietHours(practice, clock.GetUtcNow().UtcDateTime), "the test needs a session outside quiet hours");
        return (episode.Id, clock);
    }

    private static async Task<(Attention? Overdue, IReadOnlyList<DueMeasure> Due, int Reminded)> LookAsync(
        TestDatabase database, Guid episodeId, TimeProvider clock, InstrumentSource instruments)
    {
        var client = await database.ClientIdAsync(Client3);
        await using var therapist = database.Open(await database.ViewerForAsync(Personas.Therapist1));
        var row = (await new GetCaseload(therapist, clock, instruments: instruments).HandleAsync()).Single(r => r.ClientId == client);
        var member = (await new GetEpisodeView(therapist, clock, instruments).HandleAsync(episodeId))!.Members.Single(m => m.ClientId == client);

        var mailer = new RecordingMailer();
        await using var system = database.Open(Viewer.System);
        await new SendCheckInReminders(system, mailer, clock, new EmailOptions { SiteUrl = "https://rapport.example" }, instruments).HandleAsync();

        return (row.Attention.SingleOrDefault(a => a.Kind == AttentionKind.OverdueCheckIn), member.Due, mailer.Sent.Count(m => m.To == Client3));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task WithoutCNipWording_AClientOwingOnlyTheCNip_IsNotOverdueNorDueNorReminded(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (episodeId, clock) = await OnlyTheCNipIsDueAsync(database);

        var (overdue, due, reminded) = await LookAsync(database, episodeId, clock, new InstrumentSource(_folder));

        Assert.Null(overdue);
        Assert.Empty(due);
        Assert.Equal(0, reminded);
        // And the check-in agrees: nothing to ask.
        await using var db = database.Open(await database.ViewerForAsync(Client3));
        Assert.Null((await new GetCheckIn(db, clock, new InstrumentSource(_folder)).HandleAsync())!.Instrument);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task WithCNipWordingImported_TheCNipIsOverdue_Due_AndReminded(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (episodeId, clock) = await OnlyTheCNipIsDueAsync(database);
        var instruments = ImportedInstruments.WithCNip(_folder);

        var (overdue, due, reminded) = await LookAsync(database, episodeId, clock, instruments);

        Assert.Equal("Check-in overdue: C-NIP", overdue?.Text);
        var cnip = Assert.Single(due);
        Assert.Equal((InstrumentCatalog.CNipId, true), (cnip.InstrumentId, cnip.Overdue));
        Assert.Equal(1, reminded);
        await using var db = database.Open(await database.ViewerForAsync(Client3));
        Assert.Equal(InstrumentCatalog.CNipId, (await new GetCheckIn(db, clock, instruments).HandleAsync())!.Instrument!.InstrumentId);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task PlanForm_OffersAnImportedCNipAsAskable(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (episodeId, _) = await OnlyTheCNipIsDueAsync(database);
        await using var db = database.Open(await database.ViewerForAsync(Personas.Therapist1));

        var before = (await new EditMeasurementPlan(db, new InstrumentSource(_folder)).LoadEpisodeAsync(episodeId))!;
        var after = (await new EditMeasurementPlan(db, ImportedInstruments.WithCNip(_folder)).LoadEpisodeAsync(episodeId))!;

        Assert.False(before.Options.Single(o => o.InstrumentId == InstrumentCatalog.CNipId).Askable);
        var cnip = after.Options.Single(o => o.InstrumentId == InstrumentCatalog.CNipId);
        Assert.True(cnip.Askable);
        Assert.Null(cnip.WhyNot);
    }
}
