using Rapport.Clinical.Alliance;
using Rapport.Clinical.Instruments;

namespace Rapport.Clinical.Tests.Alliance;

public class AllianceSignalsTests
{
    private static readonly Instrument Check = InstrumentCatalog.Get("rapport-session-check");

    private static AlliancePoint[] Series(params double[] totals) =>
        [.. totals.Select((t, i) => new AlliancePoint(i + 1, t))];

    [Fact]
    public void ScoreBelowInstrumentThreshold_RaisesLowAllianceWithTheThresholdAndSource()
    {
        var signal = Assert.Single(AllianceSignals.Detect(Check, Series(31)));
        Assert.Equal(AllianceSignalKind.LowAlliance, signal.Kind);
        Assert.Equal(32, signal.Threshold);
        Assert.Contains("below the instrument's low-alliance threshold 32", signal.Detail, StringComparison.Ordinal);
        Assert.Contains("provisional", signal.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void PracticeThreshold_OverridesTheInstrumentDefault()
    {
        var options = AllianceSignalOptions.Default with { LowAllianceThreshold = 30 };
        Assert.Empty(AllianceSignals.Detect(Check, Series(31), options));
    }

    [Fact]
    public void FallOfSevenAgainstMean37Sd1_IsA2SdDropAndALowScore()
    {
        // Earlier 36, 38, 37: mean 37, SD 1; RC 5.37 dominates both thresholds; fall 7 ≥ 5.37.
        var signals = AllianceSignals.Detect(Check, Series(36, 38, 37, 30));
        var drop = Assert.Single(signals, s => s.Kind == AllianceSignalKind.AllianceDrop);
        Assert.Equal(4, drop.Session);
        Assert.Equal(37, drop.Baseline);
        Assert.Equal(1, drop.WithinClientSd!.Value, 6);
        Assert.Equal(5.3677, drop.Threshold!.Value, 3);
        Assert.Equal("2sd", drop.Trigger);
        Assert.Contains("fell 7 below the running mean 37", drop.Detail, StringComparison.Ordinal);
        Assert.Contains(signals, s => s.Kind == AllianceSignalKind.LowAlliance);
    }

    [Fact]
    public void FallBelowReliableChange_IsNotADrop()
    {
        Assert.DoesNotContain(AllianceSignals.Detect(Check, Series(36, 38, 37, 33)), s => s.Kind == AllianceSignalKind.AllianceDrop);
    }

    [Fact]
    public void FallBetweenOneAndTwoSd_IsA1SdDropThatOnlyTheLooserVariantCallsARupture()
    {
        // Earlier 30, 34, 38: mean 34, SD 4; with RC 1, thresholds are 4 (1 SD) and 8 (2 SD); fall 5.
        var loose = AllianceSignalOptions.Default with { ReliableChange = 1, RuptureVariant = DropVariant.OneSd };
        var strict = loose with { RuptureVariant = DropVariant.TwoSd };
        var series = Series(30, 34, 38, 29, 29, 29, 29);
        var drop = Assert.Single(AllianceSignals.Detect(Check, series, loose), s => s.Kind == AllianceSignalKind.AllianceDrop);
        Assert.Equal("1sd", drop.Trigger);
        Assert.Equal(8, drop.Other);
        Assert.Contains(AllianceSignals.Detect(Check, series, loose), s => s.Kind == AllianceSignalKind.UnrepairedRupture);
        Assert.DoesNotContain(AllianceSignals.Detect(Check, series, strict), s => s.Kind == AllianceSignalKind.UnrepairedRupture);
    }

    [Fact]
    public void DropThenReturnWithinThreeSessions_IsRuptureRepair()
    {
        var signals = AllianceSignals.Detect(Check, Series(36, 38, 37, 30, 33, 37));
        var repair = Assert.Single(signals, s => s.Kind == AllianceSignalKind.RuptureRepair);
        Assert.Equal(6, repair.Session);
        Assert.Equal(4, repair.RelatedSession);
        Assert.Contains("after the drop at session 4", repair.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(signals, s => s.Kind == AllianceSignalKind.UnrepairedRupture);
    }

    [Fact]
    public void DropWithoutReturnWithinThreeSessions_IsUnrepairedRupture()
    {
        var signals = AllianceSignals.Detect(Check, Series(36, 38, 37, 28, 29, 28, 29));
        var unrepaired = Assert.Single(signals, s => s.Kind == AllianceSignalKind.UnrepairedRupture);
        Assert.Equal(7, unrepaired.Session);
        Assert.Equal(4, unrepaired.RelatedSession);
        Assert.Contains("McLaughlin", unrepaired.Source, StringComparison.Ordinal);
    }

    [Fact]
    public void FlatSeriesWithZeroSd_IsNotAlarmedByAOnePointDip()
    {
        var options = AllianceSignalOptions.Default with { ReliableChange = 0 };
        Assert.Empty(AllianceSignals.Detect(Check, Series(38, 38, 38, 38, 37.5), options));
    }

    [Fact]
    public void LowestScoreEver_IsLowAgainstOwnHistory()
    {
        var signals = AllianceSignals.Detect(Check, Series(39, 40, 39, 40, 33), AllianceSignalOptions.Default with { LowAllianceThreshold = 20 });
        Assert.Contains(signals, s => s is { Kind: AllianceSignalKind.LowAlliance, Trigger: "own_history" });
    }

    [Fact]
    public void SteadyFall_IsAFallingTrend()
    {
        var signals = AllianceSignals.Detect(Check, Series(38, 37, 35, 34, 32, 31));
        Assert.Contains(signals, s => s is { Kind: AllianceSignalKind.Trend, Trigger: "falling", Session: 6 });
    }

    [Fact]
    public void DetectLatest_ReturnsOnlyTheLatestSessionsSignals()
    {
        var series = Series(36, 38, 37, 30, 33, 37);
        var all = AllianceSignals.Detect(Check, series);
        var latest = AllianceSignals.DetectLatest(Check, series);
        Assert.Equal(all.Where(s => s.Session == 6), latest);
    }

    [Fact]
    public void MembersDifferingByMoreThanReliableChange_IsSplitAllianceOnTheLowerMember()
    {
        var split = Assert.Single(AllianceSignals.DetectSplit(Check, 3, [("partner-a", 38), ("partner-b", 30)]));
        Assert.Equal(30, split.Score);
        Assert.Equal("partner-a", split.Member);
        Assert.Contains("differs from member partner-a's 38 by 8", split.Detail, StringComparison.Ordinal);
        Assert.Empty(AllianceSignals.DetectSplit(Check, 3, [("partner-a", 38), ("partner-b", 33)]));
    }

    [Fact]
    public void SplitAlliance_WithoutAReliableChange_IsNotJudged()
    {
        var wai = InstrumentCatalog.Get("wai-sr");
        Assert.Empty(AllianceSignals.DetectSplit(wai, 1, [("a", 60), ("b", 12)]));
    }
}
