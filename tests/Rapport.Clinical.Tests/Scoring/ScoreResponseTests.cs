using Rapport.Clinical.Instruments;
using Rapport.Clinical.Scoring;

namespace Rapport.Clinical.Tests.Scoring;

public class ScoreResponseTests
{
    private static readonly Instrument Phq9 = InstrumentCatalog.Get("phq-9");
    private static readonly Instrument Gad7 = InstrumentCatalog.Get("gad-7");

    private static ScoreResult Score(Instrument instrument, params int?[] values)
    {
        var outcome = ScoreResponse.ScoreInOrder(instrument, values);
        Assert.True(outcome.IsValid, string.Join("; ", outcome.Errors.Select(e => e.Message)));
        return outcome.Result!;
    }

    [Fact]
    public void Phq9_ContractExample_ScoresFourteenModerateWithRiskAlert()
    {
        var result = Score(Phq9, 2, 2, 1, 2, 2, 1, 2, 1, 1);
        Assert.Equal(14, result.Total);
        Assert.Equal("moderate", result.Severity);
        Assert.True(result.Complete);
        var alert = Assert.Single(result.Alerts);
        Assert.Equal(("risk", "9", 1), (alert.Kind, alert.Item, alert.Value));
    }

    [Theory]
    [InlineData(0, "minimal")]
    [InlineData(4, "minimal")]
    [InlineData(5, "mild")]
    [InlineData(9, "mild")]
    [InlineData(10, "moderate")]
    [InlineData(14, "moderate")]
    [InlineData(15, "moderately severe")]
    [InlineData(19, "moderately severe")]
    [InlineData(20, "severe")]
    [InlineData(27, "severe")]
    public void Phq9_SeverityBands_FollowKroenke2001AtEveryBoundary(int total, string severity)
    {
        // Spread the total over items 1-8 so item 9 stays 0 (no risk alert) until the total needs it.
        var values = new int?[9];
        var left = total;
        for (var i = 0; i < 9; i++)
        {
            values[i] = Math.Min(3, left);
            left -= values[i]!.Value;
        }

        var result = Score(Phq9, values);
        Assert.Equal(total, result.Total);
        Assert.Equal(severity, result.Severity);
    }

    [Theory]
    [InlineData(4, "minimal")]
    [InlineData(5, "mild")]
    [InlineData(9, "mild")]
    [InlineData(10, "moderate")]
    [InlineData(14, "moderate")]
    [InlineData(15, "severe")]
    [InlineData(21, "severe")]
    public void Gad7_SeverityBands_FollowSpitzer2006AtEveryBoundary(int total, string severity)
    {
        var values = new int?[7];
        var left = total;
        for (var i = 0; i < 7; i++)
        {
            values[i] = Math.Min(3, left);
            left -= values[i]!.Value;
        }

        Assert.Equal(severity, Score(Gad7, values).Severity);
    }

    [Fact]
    public void Phq9_WithItem9Positive_RaisesRiskAlert()
    {
        var result = Score(Phq9, 0, 0, 0, 0, 0, 0, 0, 0, 1);
        Assert.Equal("minimal", result.Severity);
        Assert.Contains(result.Alerts, a => a.Kind == AlertKinds.Risk && a.Item == "9");
    }

    [Fact]
    public void Phq9_WithItem9Zero_RaisesNoAlertEvenWhenSevere()
    {
        var result = Score(Phq9, 3, 3, 3, 3, 3, 3, 3, 3, 0);
        Assert.Equal(24, result.Total);
        Assert.Empty(result.Alerts);
    }

    [Fact]
    public void Phq9_WithItem9Unanswered_IsIncompleteAndSaysRiskIsUnknown()
    {
        var result = Score(Phq9, 1, 1, 1, 1, 1, 1, 1, 1, null);
        Assert.False(result.Complete);
        Assert.Null(result.Total);
        Assert.Contains("item 9 not answered", result.IncompleteReason, StringComparison.Ordinal);
        Assert.Equal(AlertKinds.RiskItemUnanswered, Assert.Single(result.Alerts).Kind);
    }

    [Fact]
    public void Phq9_WithOneMissingItem_IsNotProratedBecauseNoAuthorRuleIsConfirmed()
    {
        var result = Score(Phq9, 1, null, 1, 1, 1, 1, 1, 1, 0);
        Assert.False(result.Complete);
        Assert.False(result.Prorated);
        Assert.Contains("item 2", result.IncompleteReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Phq8_ByPracticeChoice_KeepsTheOmissionVisibleOnEveryScore()
    {
        var phq8 = InstrumentCatalog.Phq8(new Phq8PracticeChoice("Governance board", new DateOnly(2026, 2, 1), "research protocol; C-SSRS at every session"));
        var result = Score(phq8, 1, 1, 1, 1, 1, 1, 1, 3);
        Assert.Equal(10, result.Total);
        Assert.Equal("moderate", result.Severity);
        Assert.Equal(AlertKinds.RiskItemOmitted, Assert.Single(result.Alerts).Kind);
    }

    [Fact]
    public void Score_WithAnswerAboveRange_NamesItemValueAndAllowedRange()
    {
        var outcome = ScoreResponse.ScoreInOrder(Phq9, [0, 0, 4, 0, 0, 0, 0, 0, 0]);
        var error = Assert.Single(outcome.Errors);
        Assert.Equal(ScoreErrorKind.OutOfRange, error.Kind);
        Assert.Equal("item 3: 4 is out of range; allowed 0 to 3", error.Message);
    }

    [Fact]
    public void Score_WithNegativeAnswer_IsOutOfRange()
    {
        var outcome = ScoreResponse.ScoreInOrder(Gad7, [0, 0, 0, 0, 0, 0, -1]);
        Assert.Equal("7", Assert.Single(outcome.Errors).Item);
    }

    [Fact]
    public void Score_WithWrongNumberOfAnswers_SaysHowManyAreNeeded()
    {
        var outcome = ScoreResponse.ScoreInOrder(Gad7, [0, 0, 0]);
        Assert.Equal(ScoreErrorKind.WrongCount, Assert.Single(outcome.Errors).Kind);
        Assert.Contains("gad-7 has 7 items", outcome.Errors[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Score_WithUnknownItem_NamesIt()
    {
        var outcome = ScoreResponse.Score(Gad7, new Dictionary<string, int?> { ["8"] = 1 });
        Assert.Equal((ScoreErrorKind.UnknownItem, "8"), (outcome.Errors[0].Kind, outcome.Errors[0].Item));
    }

    [Fact]
    public void Score_WithDuplicateAnswer_RejectsTheSecond()
    {
        KeyValuePair<string, int?>[] answers = [new("1", 1), new("2", 1), new("1", 2)];
        var outcome = ScoreResponse.Score(Gad7, answers);
        var error = Assert.Single(outcome.Errors);
        Assert.Equal((ScoreErrorKind.DuplicateAnswer, "1"), (error.Kind, error.Item));
    }

    [Fact]
    public void Score_ByLinkId_MatchesScoreInOrder()
    {
        var answers = Enumerable.Range(1, 7).ToDictionary(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture), i => (int?)(i % 4));
        Assert.Equal(Score(Gad7, 1, 2, 3, 0, 1, 2, 3).Total, ScoreResponse.Score(Gad7, answers).Result!.Total);
    }

    [Fact]
    public void Pack_WithoutImportedWording_CannotBeScored()
    {
        var outcome = ScoreResponse.ScoreInOrder(InstrumentCatalog.Get("wai-sr"), new int?[12]);
        Assert.Equal(ScoreErrorKind.InstrumentUnavailable, Assert.Single(outcome.Errors).Kind);
    }

    [Fact]
    public void SessionCheck_WithOneMissingItem_ProratesUnderItsOwnRule()
    {
        var check = InstrumentCatalog.Get("rapport-session-check");
        var result = Score(check, 9, null, 8, 9);
        Assert.True(result.Prorated);
        Assert.Equal(35, result.Total); // 26 / 3 × 4 = 34.67, rounded half up
    }

    [Fact]
    public void SessionCheck_WithTwoMissingItems_IsIncomplete()
    {
        var result = Score(InstrumentCatalog.Get("rapport-session-check"), 9, null, null, 9);
        Assert.False(result.Complete);
        Assert.Null(result.Total);
    }

    [Fact]
    public void CNip_ReportsFourScaleSumsAndNoTotal()
    {
        var result = Score(InstrumentCatalog.Get("c-nip"), -3, 2, 1, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 3, 3, 3, 3, 3);
        Assert.Null(result.Total);
        Assert.True(result.Complete);
        Assert.Equal([0, 5, 0, 15], result.Subscales.Values);
    }

    [Fact]
    public void CNip_WithAMissingItem_LeavesOnlyThatScaleUnreported()
    {
        var result = Score(InstrumentCatalog.Get("c-nip"), null, 2, 1, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 3, 3, 3, 3, 3);
        Assert.False(result.Complete);
        Assert.Null(result.Subscales["therapist-directiveness-vs-client-directiveness"]);
        Assert.Equal(5, result.Subscales["emotional-intensity-vs-emotional-reserve"]);
    }

    [Fact]
    public void WaiSr_AfterImport_ScoresTaskGoalBondSubscales()
    {
        var wai = InstrumentImport.Merge(InstrumentCatalog.Get("wai-sr"), Instruments.InstrumentImportTests.LicensedCopy("wai-sr")).Instrument!;
        var result = Score(wai, 5, 5, 4, 3, 4, 3, 4, 3, 4, 5, 3, 5);
        Assert.Equal(48, result.Total);
        Assert.Equal(20, result.Subscales["task"]);
        Assert.Equal(12, result.Subscales["goal"]);
        Assert.Equal(16, result.Subscales["bond"]);
        Assert.Null(result.Severity);
    }

    [Fact]
    public void IsCase_UsesTheInstrumentsDirection()
    {
        Assert.True(Score(Gad7, 2, 2, 2, 2, 0, 0, 0).IsCase(Gad7));
        Assert.False(Score(Gad7, 2, 2, 2, 1, 0, 0, 0).IsCase(Gad7));
        var ors = InstrumentCatalog.Get("ors");
        Assert.True(ors.Scoring.Caseness!.IsCase(24));
        Assert.False(ors.Scoring.Caseness.IsCase(25));
    }
}
