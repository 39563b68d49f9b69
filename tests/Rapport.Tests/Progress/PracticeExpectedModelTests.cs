using Microsoft.Extensions.DependencyInjection;
using Microsoft.EntityFrameworkCore;
using Rapport.Access;
using Rapport.Caseload;
using Rapport.Clients;
using Rapport.Clinical.ExpectedResponse;
using Rapport.Clinical.Instruments;
using Rapport.Clinical.Simulation;
using Rapport.Episodes;
using Rapport.Measures;
using Rapport.MyCare;
using Rapport.Persistence;
using Rapport.Practices;
using Rapport.Progress;
using Rapport.Staff;

namespace Rapport.Tests.Progress;

/// <summary>
/// The practice's own expected-response model: refitted in the background on its finished episodes, stored once per
/// practice and instrument, and used by the dashboard's not-on-track line and the progress charts.
/// </summary>
public sealed class PracticeExpectedModelTests
{
    private static readonly Instrument Phq9 = InstrumentCatalog.Get("phq-9");

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Refit_WithEnoughFinishedEpisodes_StoresAFittedModel_AndTheDashboardAndChartsUseIt(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var therapist = await database.ViewerForAsync(Personas.Therapist1);
        var practiceId = therapist.PracticeId!.Value;
        await using (var dbScope = database.As(Viewer.System))
        {
            var db = dbScope.Db;
            await SeedFinishedEpisodesAsync(db, practiceId, Series(300, seed: 3));
        }

        // A client whose second PHQ-9 is inside the default band but above the band the practice's episodes give.
        var fitted = ExpectedResponseModel.ForPractice(Phq9, await SeriesInDatabaseAsync(database, practiceId));
        var defaults = ExpectedResponseModel.Default(Phq9);
        var second = Enumerable.Range(0, 28).First(s => fitted.IsOffTrack(18, 2, s) && !defaults.IsOffTrack(18, 2, s));
        Guid clientId;
        await using (var dbScope = database.As(Viewer.System))
        {
            var db = dbScope.Db;
            clientId = await AddActiveClientAsync(db, practiceId, therapist.StaffMemberId!.Value, [18, second]);
        }

        await using (var dbScope = database.As(therapist))
        {
            var db = dbScope.Db;
            var row = (await dbScope.Get<GetCaseload>().HandleAsync()).Single(r => r.ClientId == clientId);
            Assert.DoesNotContain(row.Attention, a => a.Kind == AttentionKind.NotOnTrack);
            var chart = (await dbScope.Get<GetClientRecord>().HandleAsync(clientId))!.Episodes.Single().Progress.Outcomes.Single();
            Assert.Contains("assumed, not fitted", chart.BandSource, StringComparison.Ordinal);
            Assert.False(chart.Points[^1].AboveBand);
        }

        // The app's cache (one per instance), which the dashboard and the record read and the refit clears.
        var cache = database.Services.GetRequiredService<ExpectedModelCache>();
        await using (var dbScope = database.As(therapist))
        {
            var db = dbScope.Db;
            // Cached before the refit: the refit must make the cache forget the practice.
            Assert.False((await ExpectedModels.LoadAsync(db, practiceId, cache)).IsFitted(Phq9.Id));
        }

        await using (var dbScope = database.As(Viewer.System))
        {
            var db = dbScope.Db;
            var result = await dbScope.Get<RefitExpectedModels>().HandleAsync();
            Assert.Equal(1, result.Fitted);
            var stored = await db.PracticeExpectedModels.SingleAsync(m => m.PracticeId == practiceId && m.InstrumentId == Phq9.Id);
            Assert.True(stored.Episodes >= 300);
            Assert.NotNull(stored.FittedAt);
            Assert.Equal((double?)fitted.Tolerance, stored.Tolerance);
            Assert.Contains("Refitted on", stored.Description, StringComparison.Ordinal);
            // GAD-7 was not given in the seeded episodes: the default stays, and the row says why.
            var gad7 = await db.PracticeExpectedModels.SingleAsync(m => m.PracticeId == practiceId && m.InstrumentId == "gad-7");
            Assert.Null(gad7.ParametersJson);
            Assert.Contains("200 are needed", gad7.Description, StringComparison.Ordinal);
        }

        await using (var dbScope = database.As(therapist))
        {
            var db = dbScope.Db;
            Assert.True((await ExpectedModels.LoadAsync(db, practiceId, cache)).IsFitted(Phq9.Id));
            var row = (await dbScope.Get<GetCaseload>().HandleAsync()).Single(r => r.ClientId == clientId);
            var notOnTrack = Assert.Single(row.Attention, a => a.Kind == AttentionKind.NotOnTrack);
            Assert.Contains($"PHQ-9 {second} at session 2", notOnTrack.Text, StringComparison.Ordinal);
            Assert.Matches(@"band fitted on \d+ finished episodes at this practice\)$", notOnTrack.Text);

            var chart = (await dbScope.Get<GetClientRecord>().HandleAsync(clientId))!.Episodes.Single().Progress.Outcomes.Single();
            Assert.StartsWith("fitted on ", chart.BandSource, StringComparison.Ordinal);
            Assert.Contains($"finished episodes at this practice on {DateTime.UtcNow:d MMM yyyy}", chart.BandSource, StringComparison.Ordinal);
            Assert.True(chart.Points[^1].AboveBand);
            var band = fitted.Band(18, 2);
            Assert.Equal(band.Upper, chart.Points[^1].ExpectedUpper, 9);
        }

        // The client's own progress page draws the same band.
        await using (var dbScope = await database.As(Personas.Client1))
        {
            var db = dbScope.Db;
            var mine = (await dbScope.Get<GetMyCare>().HandleAsync())!.Episodes.SelectMany(e => e.MyProgress.Outcomes).Where(o => o.InstrumentId == Phq9.Id).ToList();
            Assert.NotEmpty(mine);
            Assert.All(mine, o => Assert.StartsWith("fitted on ", o.BandSource, StringComparison.Ordinal));
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Refit_WithTooFewFinishedEpisodes_KeepsTheDefault(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var therapist = await database.ViewerForAsync(Personas.Therapist1);
        var practiceId = therapist.PracticeId!.Value;
        await using (var dbScope = database.As(Viewer.System))
        {
            var db = dbScope.Db;
            await SeedFinishedEpisodesAsync(db, practiceId, Series(60, seed: 4));
            var result = await dbScope.Get<RefitExpectedModels>().HandleAsync();
            Assert.Equal(0, result.Fitted);
            var stored = await db.PracticeExpectedModels.SingleAsync(m => m.PracticeId == practiceId && m.InstrumentId == Phq9.Id);
            Assert.InRange(stored.Episodes, 60, ExpectedResponseModel.EpisodesNeededToRefit - 1);
            Assert.Null(stored.ParametersJson);
            Assert.Null(stored.FittedAt);
        }

        await using (var dbScope = database.As(therapist))
        {
            var db = dbScope.Db;
            var rows = await dbScope.Get<GetCaseload>().HandleAsync();
            var notOnTrack = rows.SelectMany(r => r.Attention).Where(a => a.Kind == AttentionKind.NotOnTrack).ToList();
            Assert.NotEmpty(notOnTrack);
            Assert.All(notOnTrack, a => Assert.EndsWith("; band assumed, not fitted)", a.Text, StringComparison.Ordinal));
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Refit_RunTwice_LeavesOneModelPerPracticeAndInstrument_AndDoesNotRefitAFreshOne(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var dbScope = database.As(Viewer.System);
        var db = dbScope.Db;
        var practiceId = await db.Practices.Where(p => p.Slug == "harbour").Select(p => p.Id).SingleAsync();
        await SeedFinishedEpisodesAsync(db, practiceId, Series(250, seed: 5));
        var pairs = await db.Practices.CountAsync() * EpisodeProgress.OutcomeInstruments.Count;

        var first = await dbScope.Get<RefitExpectedModels>().HandleAsync();
        var fittedAt = await db.PracticeExpectedModels.Where(m => m.PracticeId == practiceId && m.InstrumentId == Phq9.Id).Select(m => m.FittedAt).SingleAsync();
        // As after a restart: a new context, the same database.
        await using var againScope = database.As(Viewer.System);
        var again = againScope.Db;
        var second = await againScope.Get<RefitExpectedModels>().HandleAsync();

        Assert.Equal(1, first.Fitted);
        Assert.Equal(pairs, first.Fitted + first.Default);
        Assert.Equal(new RefitExpectedModels.Result(0, 0, pairs), second);
        Assert.Equal(fittedAt, await again.PracticeExpectedModels.Where(m => m.PracticeId == practiceId && m.InstrumentId == Phq9.Id).Select(m => m.FittedAt).SingleAsync());

        // Due again (the next day): refitted in place, still one row each.
        var third = await againScope.Get<RefitExpectedModels>().HandleAsync(TimeSpan.Zero);
        Assert.Equal(1, third.Fitted);
        Assert.Equal(pairs, await again.PracticeExpectedModels.CountAsync());
        Assert.Equal(pairs, await again.PracticeExpectedModels.Select(m => new { m.PracticeId, m.InstrumentId }).Distinct().CountAsync());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Refit_UsesOnlyThePracticesOwnEpisodes(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider, seedDemo: false);
        await using var dbScope = database.As(Viewer.System);
        var db = dbScope.Db;
        var small = new Practice { Name = "Small practice", Slug = "small" };
        var large = new Practice { Name = "Large practice", Slug = "large" };
        db.Practices.AddRange(small, large);
        await db.SaveChangesAsync();
        var smallSeries = Series(150, seed: 6);
        var largeSeries = Series(300, seed: 7);
        await SeedFinishedEpisodesAsync(db, small.Id, smallSeries);
        await SeedFinishedEpisodesAsync(db, large.Id, largeSeries);

        await dbScope.Get<RefitExpectedModels>().HandleAsync();

        // Together they would have 450 episodes: the small practice must not borrow the large one's to reach 200.
        var smallModel = await db.PracticeExpectedModels.SingleAsync(m => m.PracticeId == small.Id && m.InstrumentId == Phq9.Id);
        Assert.Equal(150, smallModel.Episodes);
        Assert.Null(smallModel.ParametersJson);
        var largeModel = await db.PracticeExpectedModels.SingleAsync(m => m.PracticeId == large.Id && m.InstrumentId == Phq9.Id);
        Assert.Equal(300, largeModel.Episodes);
        var stored = RegressionModel.Restore(Phq9, ExpectedModelParameters.FromJson(largeModel.ParametersJson!));
        var own = ExpectedResponseModel.ForPractice(Phq9, largeSeries);
        for (var session = 2; session <= 12; session++)
        {
            Assert.Equal(own.Band(17, session).Upper, stored.Band(17, session).Upper, 9);
        }

        // A staff member of the small practice never reads the large practice's model.
        await using var smallStaff = database.Open(new Viewer { UserId = "x", PracticeId = small.Id, StaffMemberId = Guid.NewGuid(), Roles = StaffRoles.Therapist });
        Assert.False((await ExpectedModels.LoadAsync(smallStaff, small.Id, new ExpectedModelCache(TimeProvider.System))).IsFitted(Phq9.Id));
        Assert.False((await ExpectedModels.LoadAsync(smallStaff, large.Id, new ExpectedModelCache(TimeProvider.System))).IsFitted(Phq9.Id));
        Assert.Empty(await smallStaff.PracticeExpectedModels.Where(m => m.PracticeId == large.Id).ToListAsync());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task StoredModel_ThatCannotBeRead_FallsBackToTheDefault(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider, seedDemo: false);
        await using var dbScope = database.As(Viewer.System);
        var db = dbScope.Db;
        var practice = new Practice { Name = "P", Slug = "p" };
        db.Practices.Add(practice);
        db.PracticeExpectedModels.Add(new PracticeExpectedModel
        {
            PracticeId = practice.Id, InstrumentId = Phq9.Id, Episodes = 300, CheckedAt = DateTime.UtcNow, FittedAt = DateTime.UtcNow,
            Tolerance = 0.2, Description = "damaged", ParametersJson = """{"instrumentId":"phq-9","tolerance":0.2}""",
        });
        await db.SaveChangesAsync();

        var models = await ExpectedModels.LoadAsync(db, practice.Id, new ExpectedModelCache(TimeProvider.System));

        Assert.False(models.IsFitted(Phq9.Id));
        Assert.Contains("assumed, not fitted", models.Describe(Phq9), StringComparison.Ordinal);
    }

    private static List<EpisodeSeries> Series(int count, int seed) => [.. OutcomeCohort.Generate(Phq9, count, seed).Select(e => e.Series)];

    private static async Task<List<EpisodeSeries>> SeriesInDatabaseAsync(TestDatabase database, Guid practiceId)
    {
        await using var dbScope = database.As(Viewer.System);
        var db = dbScope.Db;
        return await dbScope.Get<RefitExpectedModels>().FinishedSeriesAsync(practiceId, Phq9.Id, CancellationToken.None);
    }

    /// <summary>Ended individual episodes with these PHQ-9 series, a week apart, last year; each with its own synthetic client.</summary>
    private static async Task SeedFinishedEpisodesAsync(RapportDb db, Guid practiceId, IReadOnlyList<EpisodeSeries> series)
    {
        var staff = await db.StaffMembers.Where(s => s.PracticeId == practiceId).Select(s => (Guid?)s.Id).FirstOrDefaultAsync();
        if (staff is null)
        {
            var therapist = new StaffMember { PracticeId = practiceId, DisplayName = "Former therapist", Email = $"former@{practiceId:N}.example", Roles = StaffRoles.Therapist };
            db.StaffMembers.Add(therapist);
            staff = therapist.Id;
        }

        var start = new DateTime(2025, 1, 6, 9, 0, 0, DateTimeKind.Utc);
        for (var i = 0; i < series.Count; i++)
        {
            var client = new Client { PracticeId = practiceId, DisplayName = $"Former client {i + 1}", CreatedAt = start };
            var episode = new CareEpisode
            {
                PracticeId = practiceId,
                Title = $"Finished work {i + 1}",
                Status = EpisodeStatus.Ended,
                StartedOn = DateOnly.FromDateTime(start),
                EndedOn = DateOnly.FromDateTime(start.AddDays(7 * series[i].Scores.Count)),
            };
            episode.CareTeam.Add(new EpisodeTherapist { EpisodeId = episode.Id, StaffMemberId = staff.Value, IsLead = true });
            episode.Members.Add(new EpisodeMember { EpisodeId = episode.Id, ClientId = client.Id, JoinedOn = episode.StartedOn });
            db.Clients.Add(client);
            db.Episodes.Add(episode);
            for (var s = 0; s < series[i].Scores.Count; s++)
            {
                db.MeasureResponses.Add(new MeasureResponse
                {
                    PracticeId = practiceId, EpisodeId = episode.Id, ClientId = client.Id, InstrumentId = Phq9.Id,
                    SubmittedAt = start.AddDays(7 * s).AddMinutes(i), AnswersJson = "{}", Total = (int)series[i].Scores[s],
                });
            }
        }

        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();
    }

    /// <summary>An active individual episode on this therapist's caseload with these PHQ-9 totals, a week apart.</summary>
    private static async Task<Guid> AddActiveClientAsync(RapportDb db, Guid practiceId, Guid therapistId, int[] phq9)
    {
        var start = DateTime.UtcNow.Date.AddDays(-7 * phq9.Length);
        var client = new Client { PracticeId = practiceId, DisplayName = "Robin Example", CreatedAt = start };
        var episode = new CareEpisode { PracticeId = practiceId, Title = "Individual work with Robin", Status = EpisodeStatus.Active, StartedOn = DateOnly.FromDateTime(start) };
        episode.CareTeam.Add(new EpisodeTherapist { EpisodeId = episode.Id, StaffMemberId = therapistId, IsLead = true });
        episode.Members.Add(new EpisodeMember { EpisodeId = episode.Id, ClientId = client.Id, JoinedOn = episode.StartedOn });
        db.Clients.Add(client);
        db.Episodes.Add(episode);
        for (var s = 0; s < phq9.Length; s++)
        {
            db.MeasureResponses.Add(new MeasureResponse
            {
                PracticeId = practiceId, EpisodeId = episode.Id, ClientId = client.Id, InstrumentId = Phq9.Id,
                SubmittedAt = start.AddDays(7 * s), AnswersJson = "{}", Total = phq9[s],
            });
        }

        await db.SaveChangesAsync();
        return client.Id;
    }
}
