using Microsoft.EntityFrameworkCore;
using Rapport.Access;
using Rapport.Caseload;
using Rapport.CheckIns;
using Rapport.Clinical.Instruments;
using Rapport.Episodes;
using Rapport.Goals;
using Rapport.Persistence;
using Rapport.Sessions;

namespace Rapport.Tests.CheckIns;

/// <summary>
/// A client in two therapies at once (client11: couple work with therapist1, and here also individual work with
/// therapist2) checks in for the one they choose, and what they send reaches that therapist only.
/// </summary>
public sealed class EpisodeCheckInTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task TwoEpisodesWithSomethingDue_TheClientChoosesFirst_InPlainWords(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (couple, individual) = await SecondEpisodeAsync(database, Personas.Client11);
        await using var dbScope = await database.As(Personas.Client11);
        var db = dbScope.Db;

        var view = await dbScope.Get<GetCheckIn>().HandleAsync();

        Assert.NotNull(view);
        Assert.Null(view.EpisodeId);
        Assert.Null(view.Instrument);
        Assert.Equal([individual, couple], view.Choices.Select(c => c.EpisodeId));
        Assert.Equal(["Individual work with Priya Nair", "Couple work with Sam Okafor"], view.Choices.Select(c => c.Label));
        Assert.All(view.Choices, c => Assert.True(c.DueCount > 0));

        // Without a choice nothing is stored against a guess.
        var unchosen = await dbScope.Get<AnswerQuestion>().HandleAsync("phq-9", "1", 1);
        Assert.True(unchosen.NotFound);
        Assert.True((await dbScope.Get<LeaveNote>().HandleAsync("Hello")).NotFound);
        Assert.False(await db.CheckInDrafts.AnyAsync());
        Assert.False(await db.ClientNotes.AnyAsync());

        // Once chosen, the check-in is that episode's.
        var chosen = await dbScope.Get<GetCheckIn>().HandleAsync(episodeId: couple);
        Assert.Equal(couple, chosen!.EpisodeId);
        Assert.Empty(chosen.Choices);
        Assert.Equal(["Sam Okafor"], chosen.Therapists);
        Assert.NotNull(chosen.Instrument);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AnswersNotesGoalsAndRiskAlerts_LandOnTheChosenEpisode_AndOnlyItsTherapistSeesThem(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (couple, individual) = await SecondEpisodeAsync(database, Personas.Client11);
        var client = await database.ViewerForAsync(Personas.Client11);
        await using (var dbScope = database.As(client))
        {
            var db = dbScope.Db;
            var answer = dbScope.Get<AnswerQuestion>();
            foreach (var item in InstrumentCatalog.Get("phq-9").Items.Take(3))
            {
                Assert.True((await answer.HandleAsync("phq-9", item.LinkId, 1, individual)).Succeeded);
            }

            // The draft is this episode's: the couple check-in starts at its own first question.
            Assert.Equal(4, (await dbScope.Get<GetCheckIn>().HandleAsync(episodeId: individual))!.Instrument!.Question.Number);
            Assert.Equal(1, (await dbScope.Get<GetCheckIn>().HandleAsync(episodeId: couple))!.Instrument!.Question.Number);

            foreach (var item in InstrumentCatalog.Get("phq-9").Items.Skip(3))
            {
                var outcome = await answer.HandleAsync("phq-9", item.LinkId, 1, individual);
                Assert.True(outcome.Succeeded, string.Join("; ", outcome.Errors.Values));
            }

            Assert.True((await dbScope.Get<GetCheckIn>().HandleAsync(episodeId: individual))!.ShowCrisisHelp);
            Assert.True((await dbScope.Get<LeaveNote>().HandleAsync("Only for my own therapist.", individual)).Value);
            Assert.True((await dbScope.Get<SetGoal>().HandleAsync("Sleep through the night", individual)).Succeeded);
        }

        await using (var system = database.Open(Viewer.System))
        {
            Assert.Equal(individual, await system.MeasureResponses.Where(r => r.ClientId == client.ClientId && r.SubmittedAt > DateTime.UtcNow.AddMinutes(-5)).Select(r => r.EpisodeId).SingleAsync());
            Assert.Equal(individual, await system.RiskAlerts.Where(a => a.ClientId == client.ClientId).Select(a => a.EpisodeId).SingleAsync());
            Assert.Equal(individual, await system.ClientNotes.Where(n => n.ClientId == client.ClientId).Select(n => n.EpisodeId).SingleAsync());
            // Goal text is encrypted at rest: compared after reading.
            var goals = await system.ClientGoals.Where(g => g.ClientId == client.ClientId).ToListAsync();
            Assert.Equal(individual, goals.Single(g => g.Text == "Sleep through the night").EpisodeId);
        }

        await using (var dbScope = await database.As(Personas.Therapist2))
        {
            var db = dbScope.Db;
            var row = (await dbScope.Get<GetCaseload>().HandleAsync()).Single(r => r.EpisodeId == individual);
            Assert.Contains(row.Attention, a => a.Kind == AttentionKind.Risk);
            Assert.Contains(row.Attention, a => a.Kind == AttentionKind.ClientNote);
        }

        await using (var dbScope = await database.As(Personas.Therapist1))
        {
            var db = dbScope.Db;
            var row = (await dbScope.Get<GetCaseload>().HandleAsync()).Single(r => r.EpisodeId == couple && r.ClientId == client.ClientId);
            Assert.DoesNotContain(row.Attention, a => a.Kind is AttentionKind.Risk or AttentionKind.ClientNote);
            Assert.False(await db.ClientNotes.AnyAsync(n => n.ClientId == client.ClientId));
            Assert.False(await db.RiskAlerts.AnyAsync(a => a.EpisodeId == individual));
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AnotherClientsEpisode_IsNotFound_AndNothingIsSaved(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await SecondEpisodeAsync(database, Personas.Client11);
        Guid alien, ended;
        await using (var system = database.Open(Viewer.System))
        {
            var client3 = await system.Clients.Where(c => c.Email == Personas.Client3).Select(c => c.Id).SingleAsync();
            alien = await system.EpisodeMembers.Where(m => m.ClientId == client3 && m.Episode!.Status != EpisodeStatus.Ended).Select(m => m.EpisodeId).FirstAsync();
            var client11 = await system.Clients.Where(c => c.Email == Personas.Client11).Select(c => c.Id).SingleAsync();
            ended = await system.EpisodeMembers.Where(m => m.ClientId == client11 && m.Episode!.Status == EpisodeStatus.Ended).Select(m => m.EpisodeId).FirstOrDefaultAsync();
        }

        await using var dbScope = await database.As(Personas.Client11);
        var db = dbScope.Db;
        foreach (var forged in new[] { alien, Guid.NewGuid(), ended }.Where(id => id != Guid.Empty))
        {
            Assert.Null(await dbScope.Get<GetCheckIn>().HandleAsync(episodeId: forged));
            Assert.True((await dbScope.Get<AnswerQuestion>().HandleAsync("phq-9", "1", 1, forged)).NotFound);
            Assert.True((await dbScope.Get<LeaveNote>().HandleAsync("Hello", forged)).NotFound);
            Assert.True((await dbScope.Get<SetGoal>().HandleAsync("A goal", forged)).NotFound);
        }

        await using var check = database.Open(Viewer.System);
        Assert.False(await check.CheckInDrafts.AnyAsync());
        Assert.False(await check.ClientNotes.AnyAsync(n => n.EpisodeId == alien));
        Assert.DoesNotContain(await check.ClientGoals.ToListAsync(), g => g.Text == "A goal");
        Assert.False(await check.MeasureResponses.AnyAsync(r => r.SubmittedAt > DateTime.UtcNow.AddMinutes(-5)));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task OneEpisodeWithSomethingDue_GoesStraightToIt(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (_, individual) = await SecondEpisodeAsync(database, Personas.Client11, scheduleNext: false);
        await using var dbScope = await database.As(Personas.Client11);
        var db = dbScope.Db;

        // The new individual episode has nothing due yet: only the couple check-in is waiting, so no question is asked.
        var view = await dbScope.Get<GetCheckIn>().HandleAsync();

        Assert.NotNull(view!.EpisodeId);
        Assert.NotEqual(individual, view.EpisodeId);
        Assert.Empty(view.Choices);
        Assert.NotNull(view.Instrument);
    }

    /// <summary>Gives the client an individual episode with therapist2 (Priya Nair) next to their couple work with therapist1.</summary>
    internal static async Task<(Guid Couple, Guid Individual)> SecondEpisodeAsync(TestDatabase database, string email, bool scheduleNext = true)
    {
        await using var system = database.Open(Viewer.System);
        return await SecondEpisode.AddAsync(system, email, Personas.Therapist2, scheduleNext);
    }
}
