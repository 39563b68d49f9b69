using Rapport.Clinical.ExpectedResponse;
using Rapport.Clinical.Instruments;
using Rapport.Clinical.Simulation;

namespace Rapport.Clinical.Tests.ExpectedResponse;

public class ExpectedResponseTests
{
    private static readonly Instrument Phq9 = InstrumentCatalog.Get("phq-9");

    [Fact]
    public void DefaultCurve_ExpectsImprovementThatSlowsDown()
    {
        var model = ExpectedResponseModel.Default(Phq9);
        var s2 = model.Band(18, 2).Expected;
        var s3 = model.Band(18, 3).Expected;
        var s10 = model.Band(18, 10).Expected;
        Assert.True(s2 < 18 && s3 < s2 && s10 < s3);
        Assert.True(18 - s2 > s2 - s3);
        Assert.Contains("assumed, not fitted", model.Source, StringComparison.Ordinal);
    }

    [Fact]
    public void ScoreAboveTheBand_IsNotOnTrack_ForSymptomMeasures()
    {
        var model = ExpectedResponseModel.Default(Phq9);
        var result = NotOnTrack.Evaluate(model, [18, 19, 20]);
        Assert.True(result.OffTrack);
        Assert.Equal(2, result.FirstOffTrackSession);
        Assert.False(NotOnTrack.Evaluate(model, [18, 14, 11]).OffTrack);
    }

    [Fact]
    public void DefaultCurve_NeedsAnOutcomeInstrumentWithReliableChange()
    {
        Assert.Throws<ArgumentException>(() => ExpectedResponseModel.Default(InstrumentCatalog.Get("rapport-session-check")));
    }

    [Fact]
    public void Fit_RecoversAKnownLinearCourse()
    {
        // Score at session t = intake − t + 1 exactly: slope 1, intercept −(t − 1), residual SD 0.
        var episodes = Enumerable.Range(0, 60)
            .Select(i => new EpisodeSeries($"e{i}", [.. Enumerable.Range(0, 6).Select(t => (double)(10 + (i % 15) - t))]))
            .ToList();
        var model = (RegressionModel)ExpectedResponseModel.Fit(Phq9, episodes);
        Assert.Equal(-2, model.Coefficients[1].Intercept, 6);
        Assert.Equal(1, model.Coefficients[1].Slope, 6);
        Assert.Equal(15, model.Band(18, 4).Expected, 6);
    }

    [Fact]
    public void Fit_WithTooFewEpisodes_SaysHowManyAreNeeded()
    {
        var ex = Assert.Throws<ArgumentException>(() => ExpectedResponseModel.Fit(Phq9, [new EpisodeSeries("e", [10, 9])]));
        Assert.Contains("at least 30 episodes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NearestNeighbours_UseEpisodesWithTheClosestIntake()
    {
        List<EpisodeSeries> pool = [new("a", [10, 8]), new("b", [11, 9]), new("c", [25, 25]), new("d", [26, 26])];
        var model = new NearestNeighbourModel(Phq9, pool, k: 2);
        Assert.Equal(8.5, model.Band(10.5, 2).Expected, 6);
        Assert.Equal(25.5, model.Band(25, 2).Expected, 6);
    }

    [Fact]
    public void SimulatedCohort_IsReproducibleFromItsSeed()
    {
        var a = OutcomeCohort.Generate(Phq9, 50, 42);
        var b = OutcomeCohort.Generate(Phq9, 50, 42);
        Assert.Equal(a.Select(e => e.Series.Scores.Sum()), b.Select(e => e.Series.Scores.Sum()));
        Assert.Contains(a, e => e.Truth == TrueCourse.Improver);
    }

    [Fact]
    public void Refit_OnSimulatedCohort_FlagsMostDeterioratorsBySessionThree()
    {
        var train = OutcomeCohort.Generate(Phq9, 1500, 1);
        var test = OutcomeCohort.Generate(Phq9, 1500, 2);
        var model = ExpectedResponseModel.Fit(Phq9, [.. train.Select(e => e.Series)], tolerance: 0.5);
        var metrics = NotOnTrackEvaluation.Evaluate("refit", model, test, 3);
        Assert.True(metrics.DeterioratorsFlagged > 0.9, $"deteriorators flagged {metrics.DeterioratorsFlagged:P1}");
        Assert.True(metrics.FalseAlarms < 0.25, $"false alarms {metrics.FalseAlarms:P1}");
    }
}

public class ForPracticeTests
{
    private static readonly Instrument Phq9 = InstrumentCatalog.Get("phq-9");

    [Fact]
    public void FewEpisodes_UseTheDocumentedDefault()
    {
        var model = ExpectedResponseModel.ForPractice(Phq9, [.. OutcomeCohort.Generate(Phq9, 50, 5).Select(e => e.Series)]);
        Assert.IsType<DefaultCurveModel>(model);
    }

    [Fact]
    public void EnoughEpisodes_RefitWithABandCalibratedOnObservedImprovers()
    {
        var practice = OutcomeCohort.Generate(Phq9, 800, 5).Select(e => e.Series).ToList();
        var model = ExpectedResponseModel.ForPractice(Phq9, practice);
        Assert.IsType<RegressionModel>(model);
        Assert.InRange(model.Tolerance, 0, 3);
        var improvers = practice.Where(e => e.Scores[0] - e.Scores[^1] >= 6).ToList();
        var flagged = improvers.Count(e => NotOnTrack.Evaluate(model, e.Scores.ToArray(), 3).OffTrack);
        Assert.True((double)flagged / improvers.Count <= 0.25);
    }
}
