using Rapport.Demo;
using Microsoft.EntityFrameworkCore;
using Rapport.Access;
using Rapport.Episodes;
using Rapport.Persistence;

namespace Rapport.Tests.Demo;

public sealed class DemoDataTests
{
    [Fact]
    public async Task DemoData_IsTheSameOnEveryRun()
    {
        await using var one = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var two = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);

        Assert.Equal(await Fingerprint(one), await Fingerprint(two));
    }

    [Fact]
    public async Task DemoData_HasTheTwoPracticesAndEveryKindOfEpisode()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var db = database.Open(Viewer.System);

        var practices = await db.Practices.Select(p => p.Name).OrderBy(n => n).ToListAsync();
        var formats = await db.Episodes.Select(e => e.Format).Distinct().ToListAsync();
        var clientsWithSeveralEpisodes = await db.Clients.CountAsync(c => c.Memberships.Count > 1);

        Assert.Equal(["Harbour Street Counselling", "Northside Therapy Collective"], practices);
        Assert.Equal(45 + DemoData.FormerClientsPerTherapist.Sum(), await db.Clients.CountAsync());
        Assert.Contains(EpisodeFormat.Individual, formats);
        Assert.Contains(EpisodeFormat.Couple, formats);
        Assert.Contains(EpisodeFormat.Group, formats);
        Assert.True(clientsWithSeveralEpisodes >= 3);
        Assert.True(await db.MeasureResponses.AnyAsync(r => r.InstrumentId == "phq-9" && r.AnswersJson.Contains("\"9\":1")));
    }

    private static async Task<string> Fingerprint(TestDatabase database)
    {
        await using var db = database.Open(Viewer.System);
        var names = await db.Clients.OrderBy(c => c.Email).Select(c => c.Email + c.DisplayName).ToListAsync();
        var totals = await db.MeasureResponses
            .Join(db.Clients, r => r.ClientId, c => c.Id, (r, c) => new { c.Email, r.SubmittedAt, r.InstrumentId, r.AnswersJson })
            .OrderBy(x => x.Email).ThenBy(x => x.SubmittedAt).ThenBy(x => x.InstrumentId)
            .Select(x => x.AnswersJson)
            .ToListAsync();
        return string.Join("|", names) + string.Join(",", totals);
    }
}
