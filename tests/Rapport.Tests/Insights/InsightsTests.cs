using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Rapport.Access;
using Rapport.Insights;
using Rapport.Persistence;
using Rapport.Testing;

namespace Rapport.Tests.Insights;

/// <summary>
/// The demo practice's insights: every shown figure carries n and an interval, a therapist below the minimum sees the
/// reason instead of a figure, a practice admin gets aggregates and nothing of any client, and a therapist never sees a
/// colleague by name.
/// </summary>
public sealed class InsightsTests
{
    private static async Task<InsightsView> InsightsAsync(TestDatabase database, string persona, InsightsPeriod? period = null)
    {
        await using var db = database.Open(await database.ViewerForAsync(persona));
        var feature = new GetInsights(db, TimeProvider.System);
        var outcome = await feature.HandleAsync(period ?? feature.DefaultPeriod());
        Assert.True(outcome.Succeeded);
        return outcome.Value!;
    }

    private static IEnumerable<Figure> AllFigures(InsightsView view) =>
        view.Practice.Figures.Concat(view.Therapists.SelectMany(t => t.Figures)).Concat(view.Reliability)
            .Append(view.AllianceOutcome).Concat(view.Quarters.SelectMany(q => new[] { q.ReliableImprovement, q.MeanAlliance }));

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Supervisor_SeesEveryFigureWithNAndAnInterval_AndTherapist3IsBelowTheMinimum(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var view = await InsightsAsync(database, Personas.Supervisor);

        Assert.Equal(10, view.MinimumN);
        Assert.True(view.Practice.Finished >= 20, $"practice finished {view.Practice.Finished}");
        var shown = AllFigures(view).Where(f => f.Estimate is not null).ToList();
        Assert.NotEmpty(shown);
        Assert.All(shown, f =>
        {
            Assert.True(f.N >= view.MinimumN, f.Name);
            Assert.Equal(f.N, f.Estimate!.Value.N);
            Assert.True(f.Estimate.Value.Lower <= f.Estimate.Value.Value && f.Estimate.Value.Value <= f.Estimate.Value.Upper, f.Name);
        });
        Assert.All(AllFigures(view).Where(f => f.Estimate is null), f => Assert.False(string.IsNullOrEmpty(f.HiddenBecause)));
        Assert.Contains(view.Practice.Figures, f => f.Name == "Reliable improvement" && f.Estimate is not null);
        Assert.NotNull(view.AllianceOutcome.Estimate);
        Assert.All(view.Reliability, f => Assert.NotNull(f.Estimate));

        var tom = Assert.Single(view.Therapists, t => t.Label == "Tom Lindqvist");
        var improvement = Assert.Single(tom.Figures, f => f.Name == "Reliable improvement");
        Assert.Null(improvement.Estimate);
        Assert.Equal($"not enough finished episodes (n = {improvement.N}; at least 10 needed)", improvement.HiddenBecause);
        Assert.True(improvement.N < 10);
        var onFunnel = Assert.Single(view.Funnel.Providers, p => p.Label == "Tom Lindqvist");
        Assert.Null(onFunnel.Proportion);
        Assert.Contains(view.Funnel.Providers, p => p.Label == "Sam Okafor" && p.Proportion is not null && p.Position is not null);
        Assert.NotEmpty(view.Funnel.Curve);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task PracticeAdmin_OpensInsights_ButNoClientsNameEmailOrIdIsInThem(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var view = await InsightsAsync(database, Personas.HarbourAdmin);
        Assert.NotNull(view.Practice.Figures.Single(f => f.Name == "Reliable improvement").Estimate);

        var json = JsonSerializer.Serialize(view) + InsightsTable.Csv(view);
        await using var system = database.Open(Viewer.System);
        var clients = await system.Clients.Select(c => new { c.Id, c.DisplayName, c.Email }).ToListAsync();
        var episodes = await system.Episodes.Select(e => e.Id).ToListAsync();
        Assert.All(clients, c =>
        {
            Assert.DoesNotContain(c.DisplayName, json, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(c.Id.ToString(), json, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(c.Email ?? "@nowhere", json, StringComparison.OrdinalIgnoreCase);
        });
        Assert.All(episodes, e => Assert.DoesNotContain(e.ToString(), json, StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Therapist_SeesTheirOwnAndThePractices_ColleaguesOnlyAnonymisedOnTheFunnel(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var view = await InsightsAsync(database, Personas.Therapist1);

        var mine = Assert.Single(view.Therapists);
        Assert.Equal("You (Sam Okafor)", mine.Label);
        Assert.Contains(view.Funnel.Providers, p => p.Label == "You");
        Assert.Contains(view.Funnel.Providers, p => p.Label.StartsWith("Colleague ", StringComparison.Ordinal));
        var text = JsonSerializer.Serialize(view) + InsightsTable.Csv(view);
        foreach (var colleague in new[] { "Priya Nair", "Tom Lindqvist", "Helen Marsh" })
        {
            Assert.DoesNotContain(colleague, text, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ClientsAndAnotherPractice_GetNothingOfHarbours(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using (var db = database.Open(await database.ViewerForAsync(Personas.Client1)))
        {
            var feature = new GetInsights(db, TimeProvider.System);
            Assert.True((await feature.HandleAsync(feature.DefaultPeriod())).NotFound);
        }

        await using (var db = database.Open(Viewer.Anonymous))
        {
            var feature = new GetInsights(db, TimeProvider.System);
            Assert.True((await feature.HandleAsync(feature.DefaultPeriod())).NotFound);
            Assert.Equal(0, await db.PracticeWideForAggregates<Rapport.Measures.MeasureResponse>().CountAsync());
        }

        var northside = await InsightsAsync(database, Personas.NorthsideTherapist);
        Assert.Equal("Northside Therapy Collective", northside.PracticeName);
        Assert.Equal(0, northside.Practice.Ended);
        Assert.DoesNotContain(northside.Funnel.Providers, p => p.N > 0);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AMinimumSetBelowFive_IsFive_AndAPeriodWithNothingHidesEveryFigure(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using (var system = database.Open(Viewer.System))
        {
            await system.Practices.ExecuteUpdateAsync(p => p.SetProperty(x => x.InsightsMinimumN, 2));
        }

        var view = await InsightsAsync(database, Personas.Supervisor);
        Assert.Equal(5, view.MinimumN);

        var empty = await InsightsAsync(database, Personas.Supervisor, new InsightsPeriod(new DateOnly(2001, 1, 1), new DateOnly(2001, 12, 31)));
        Assert.Equal(0, empty.Practice.Ended);
        Assert.All(AllFigures(empty), f => Assert.Equal("not enough", f.HiddenBecause![..10]));
    }

    [Theory]
    [InlineData("2026-13-01", "2026-12-01", "from")]
    [InlineData("2026-01-01", "yesterday", "to")]
    [InlineData("2026-06-01", "2026-01-01", "from")]
    public async Task ABadPeriod_IsAClearError(string from, string to, string field)
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var db = database.Open(await database.ViewerForAsync(Personas.Supervisor));
        var outcome = new GetInsights(db, TimeProvider.System).ParsePeriod(from, to);
        Assert.False(outcome.Succeeded);
        Assert.True(outcome.Errors.ContainsKey(field));
    }

    [Fact]
    public async Task TheCsv_HoldsExactlyTheRowsThePageShows()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var view = await InsightsAsync(database, Personas.Supervisor);
        var rows = InsightsTable.Rows(view);
        var lines = InsightsTable.Csv(view).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(InsightsTable.CsvHeader, lines[0]);
        Assert.Equal(rows.Count, lines.Length - 1);
        Assert.Contains(lines, l => l.Contains("Tom Lindqvist", StringComparison.Ordinal) && l.Contains("not enough finished episodes", StringComparison.Ordinal));
    }
}
