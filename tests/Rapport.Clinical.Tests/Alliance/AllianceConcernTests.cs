using Rapport.Clinical.Alliance;
using Rapport.Clinical.Instruments;

namespace Rapport.Clinical.Tests.Alliance;

/// <summary>Which alliance signal matters most now (docs/clinical/alliance-signals.md): one ranking for every reader.</summary>
public class AllianceConcernTests
{
    private static readonly Instrument Check = InstrumentCatalog.Get(InstrumentCatalog.SessionCheckId);

    private static AllianceSignal Signal(AllianceSignalKind kind, string trigger = "x") =>
        new(kind, 5, 30, 36, 1, 32, trigger, "test", RelatedSession: 4, Other: kind == AllianceSignalKind.Trend ? (trigger == "falling" ? -1 : 1) : null);

    private static AlliancePoint[] Series(params double[] totals) =>
        [.. totals.Select((t, i) => new AlliancePoint(i + 1, t))];

    [Fact]
    public void Ranking_DropThenUnrepairedThenLowThenFallingTrend()
    {
        Assert.Equal(0, AllianceConcern.Rank(Signal(AllianceSignalKind.AllianceDrop, "2sd")));
        Assert.Equal(1, AllianceConcern.Rank(Signal(AllianceSignalKind.UnrepairedRupture)));
        Assert.Equal(2, AllianceConcern.Rank(Signal(AllianceSignalKind.LowAlliance, "instrument_threshold")));
        Assert.Equal(3, AllianceConcern.Rank(Signal(AllianceSignalKind.Trend, "falling")));
    }

    [Fact]
    public void RepairedRupture_RisingTrendAndSplit_AreNeverAConcern()
    {
        Assert.Null(AllianceConcern.Rank(Signal(AllianceSignalKind.RuptureRepair)));
        Assert.Null(AllianceConcern.Rank(Signal(AllianceSignalKind.Trend, "rising")));
        Assert.Null(AllianceConcern.Rank(Signal(AllianceSignalKind.SplitAlliance, "split")));
        Assert.Null(AllianceConcern.MostTelling([Signal(AllianceSignalKind.RuptureRepair), Signal(AllianceSignalKind.Trend, "rising")]));
    }

    [Fact]
    public void MostTelling_PicksTheHighestRankedWhateverTheOrder()
    {
        var low = Signal(AllianceSignalKind.LowAlliance, "instrument_threshold");
        var drop = Signal(AllianceSignalKind.AllianceDrop, "2sd");
        var trend = Signal(AllianceSignalKind.Trend, "falling");
        Assert.Same(drop, AllianceConcern.MostTelling([trend, low, drop]));
        Assert.Same(low, AllianceConcern.MostTelling([Signal(AllianceSignalKind.RuptureRepair), trend, low]));
    }

    [Fact]
    public void Now_AfterAReturnFromADrop_IsNoConcern()
    {
        // 36, 38, 37, then 30 (a drop), then back to 37: a repaired rupture, which is good news.
        Assert.Contains(AllianceSignals.DetectLatest(Check, Series(36, 38, 37, 30, 33, 37)), s => s.Kind == AllianceSignalKind.RuptureRepair);
        Assert.Null(AllianceConcern.Now(Check, Series(36, 38, 37, 30, 33, 37)));
    }

    [Fact]
    public void Now_AtAFreshDropThatIsAlsoLow_IsTheDrop_InWordsAndNumbers()
    {
        var now = AllianceConcern.Now(Check, Series(36, 38, 37, 30));
        Assert.NotNull(now);
        Assert.Equal(AllianceSignalKind.AllianceDrop, now.Kind);
        Assert.Equal("Alliance dropped from 37 to 30 at session 4 (more than 2 SD and the reliable change)", AllianceConcern.Text(now));
    }

    [Fact]
    public void Now_WithNoAnswers_IsNull() => Assert.Null(AllianceConcern.Now(Check, []));
}
