using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Rapport.Access;
using Rapport.Caseload;
using Rapport.CheckIns;
using Rapport.Clinical.Instruments;
using Rapport.Episodes;
using Rapport.Measures;
using Rapport.Persistence;
using Rapport.Reminders;
using Rapport.Sessions;

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
    /// began: the C-NIP is overdue if it can be asked at all. The features read the instruments of <see cref="_folder"/>,
    /// where a test may import the C-NIP's wording (read again when the file changes, as in the app).
    /// </summary>
    private async Task<(Guid EpisodeId, FakeTimeProvider Clock)> OnlyTheCNipIsDueAsync(TestDatabase database)
    {
        var client = await database.ClientIdAsync(Client3);
        await using var db = database.Open(Viewer.System);
        var episode = await db.Episodes.SingleAsync(e => e.Status != EpisodeStatus.Ended && e.Members.Any(m => m.ClientId == client && m.LeftOn == null));
        episode.MeasurementPlan = MeasurementPlan.Format([new PlannedMeasure(InstrumentCatalog.CNipId, MeasureTiming.BeforeEachSession)]);
        await db.SaveChangesAsync();
        var next = await db.Sessions.Where(s => s.EpisodeId == episode.Id && s.Status == SessionStatus.Scheduled).MinAsync(s => s.StartsAt);
        var clock = new FakeTimeProvider(new DateTimeOffset(DateTime.SpecifyKind(next, DateTimeKind.Utc).AddMinutes(1)));
        database.Clock = clock;
        database.Instruments = new InstrumentSource(_folder);
        var practice = await db.Practices.SingleAsync(p => p.Id == episode.PracticeId);
        Assert.False(SendCheckInReminders.InQuietHours(practice, clock.GetUtcNow().UtcDateTime), "the test needs a session outside quiet hours");
        return (episode.Id, clock);
    }

    private static async Task<(Attention? Overdue, IReadOnlyList<DueMeasure> Due, int Reminded)> LookAsync(TestDatabase database, Guid episodeId)
    {
        var client = await database.ClientIdAsync(Client3);
        await using var therapist = await database.As(Personas.Therapist1);
        var row = (await therapist.Get<GetCaseload>().HandleAsync()).Single(r => r.ClientId == client);
        var member = (await therapist.Get<GetEpisodeView>().HandleAsync(episodeId))!.Members.Single(m => m.ClientId == client);

        await using var system = database.As(Viewer.System);
        await system.Get<SendCheckInReminders>().HandleAsync();

        return (row.Attention.SingleOrDefault(a => a.Kind == AttentionKind.OverdueCheckIn), member.Due, database.Mailer.Sent.Count(m => m.To == Client3));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task WithoutCNipWording_AClientOwingOnlyTheCNip_IsNotOverdueNorDueNorReminded(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (episodeId, _) = await OnlyTheCNipIsDueAsync(database);

        var (overdue, due, reminded) = await LookAsync(database, episodeId);

        Assert.Null(overdue);
        Assert.Empty(due);
        Assert.Equal(0, reminded);
        // And the check-in agrees: nothing to ask.
        await using var client = await database.As(Client3);
        Assert.Null((await client.Get<GetCheckIn>().HandleAsync())!.Instrument);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task WithCNipWordingImported_TheCNipIsOverdue_Due_AndReminded(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (episodeId, _) = await OnlyTheCNipIsDueAsync(database);
        ImportedInstruments.WithCNip(_folder);

        var (overdue, due, reminded) = await LookAsync(database, episodeId);

        Assert.Equal("Check-in overdue: C-NIP", overdue?.Text);
        var cnip = Assert.Single(due);
        Assert.Equal((InstrumentCatalog.CNipId, true), (cnip.InstrumentId, cnip.Overdue));
        Assert.Equal(1, reminded);
        await using var client = await database.As(Client3);
        Assert.Equal(InstrumentCatalog.CNipId, (await client.Get<GetCheckIn>().HandleAsync())!.Instrument!.InstrumentId);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task PlanForm_OffersAnImportedCNipAsAskable(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (episodeId, _) = await OnlyTheCNipIsDueAsync(database);
        await using var therapist = await database.As(Personas.Therapist1);

        var before = (await therapist.Get<EditMeasurementPlan>().LoadEpisodeAsync(episodeId))!;
        // Imported while the app runs: the next form offers it.
        ImportedInstruments.WithCNip(_folder);
        var after = (await therapist.Get<EditMeasurementPlan>().LoadEpisodeAsync(episodeId))!;

        Assert.False(before.Options.Single(o => o.InstrumentId == InstrumentCatalog.CNipId).Askable);
        var cnip = after.Options.Single(o => o.InstrumentId == InstrumentCatalog.CNipId);
        Assert.True(cnip.Askable);
        Assert.Null(cnip.WhyNot);
    }
}
