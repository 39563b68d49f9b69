using Rapport.Web.Components.Charts;

namespace Rapport.Web.Tests.Charts;

/// <summary>Where a score lands on the chart: pure geometry, no rendering.</summary>
public sealed class ChartGeometryTests
{
    [Fact]
    public void Y_PutsTheScaleBottomAtThePlotBottom_TheTopAtTheTop_AndAScoreInProportion()
    {
        var g = new ChartGeometry(count: 10, yMin: 0, yMax: 27);

        Assert.Equal(g.PlotBottom, g.Y(0), 6);
        Assert.Equal(g.PlotTop, g.Y(27), 6);
        Assert.Equal(g.PlotBottom - ((g.PlotBottom - g.PlotTop) * 10 / 27), g.Y(10), 6);
        Assert.True(g.Y(15) < g.Y(10), "a higher score is drawn higher (smaller SVG y)");
    }

    [Fact]
    public void Y_KeepsAScoreOffTheScaleOnTheEdge()
    {
        var g = new ChartGeometry(3, 0, 40);

        Assert.Equal(g.Y(40), g.Y(55), 6);
        Assert.Equal(g.Y(0), g.Y(-3), 6);
    }

    [Fact]
    public void X_SpreadsCheckInsEvenly_AndCentresASinglePoint()
    {
        var g = new ChartGeometry(5, 0, 27);
        var one = new ChartGeometry(1, 0, 27);

        Assert.True(g.X(1) > g.PlotLeft && g.X(5) < g.PlotRight);
        Assert.Equal(g.X(2) - g.X(1), g.X(5) - g.X(4), 6);
        Assert.Equal((one.PlotLeft + one.PlotRight) / 2, one.X(1), 6);
    }

    [Fact]
    public void BandPolygon_RunsAlongTheUpperEdgeThenBackAlongTheLower_EnclosingTheExpectedRange()
    {
        var g = new ChartGeometry(3, 0, 27);
        var band = new[] { (1, 18.0, 18.0), (2, 12.5, 17.5), (3, 10.0, 16.0) };

        var polygon = g.BandPolygon(band);

        Assert.Equal(6, polygon.Count);
        Assert.Equal([g.Y(18), g.Y(17.5), g.Y(16), g.Y(10), g.Y(12.5), g.Y(18)], polygon.Select(p => p.Y).ToArray(), new RoundedComparer());
        Assert.Equal([g.X(1), g.X(2), g.X(3), g.X(3), g.X(2), g.X(1)], polygon.Select(p => p.X).ToArray(), new RoundedComparer());
        // A score inside the band at check-in 2 lies between the polygon's two edges there.
        Assert.InRange(g.Y(15), polygon[1].Y, polygon[4].Y);
        Assert.NotInRange(g.Y(20), polygon[1].Y, polygon[4].Y);
    }

    [Fact]
    public void Ticks_AreRoundNumbersCoveringTheScale_AndTheLastCheckInIsLabelled()
    {
        var g = new ChartGeometry(23, 0, 40);

        Assert.Equal([0.0, 10, 20, 30, 40], g.YTicks().Select(t => t.Value));
        var x = g.XTicks();
        Assert.Equal(1, x[0].N);
        Assert.Equal(23, x[^1].N);
        Assert.True(x.Count <= 13);
    }

    [Fact]
    public void Markers_AreDifferentShapes_CentredOnThePoint()
    {
        var down = ChartGeometry.Marker(MarkerShape.TriangleDown, 100, 50, 6);
        var up = ChartGeometry.Marker(MarkerShape.TriangleUp, 100, 50, 6);

        Assert.Equal("M94,44 L106,44 L100,56 Z", down);
        Assert.Equal("M94,56 L106,56 L100,44 Z", up);
        Assert.Equal(5, Enum.GetValues<MarkerShape>().Select(s => ChartGeometry.Marker(s, 10, 10)).Distinct().Count());
    }

    [Fact]
    public void AChartWithNoPointsOrAnEmptyScale_IsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ChartGeometry(0, 0, 27));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ChartGeometry(3, 10, 10));
    }

    private sealed class RoundedComparer : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) < 0.01;

        public int GetHashCode(double obj) => 0;
    }

    [Fact]
    public void ThresholdLabel_MovesOffTheLine_WhenTheLineRunsJustBelowTheThreshold()
    {
        // Session Check 0-40, low below 32, the latest ratings at 30: the line runs where the label used to sit
        // (just under the dashed line at the right).
        var g = new ChartGeometry(6, 0, 40);
        (int, double)[] points = [(1, 37), (2, 36), (3, 34), (4, 31), (5, 30), (6, 30)];

        var (x, y, anchor) = g.ThresholdLabel(32, points, textWidth: 75);

        var lineY = g.Y(30);
        Assert.False(y - 9 <= lineY && lineY <= y + 3, $"label baseline {y} overlaps the line at {lineY}");
        Assert.True(y < g.Y(32), "the label goes above the dashed line, away from the ratings below it");
        Assert.Equal("end", anchor);
        Assert.Equal(g.PlotRight - 2, x, 6);
    }

    [Fact]
    public void ThresholdLabel_StaysUnderTheLine_WhenTheRatingsAreWellAbove()
    {
        var g = new ChartGeometry(4, 0, 40);
        var (_, y, _) = g.ThresholdLabel(32, [(1, 38), (2, 39), (3, 38), (4, 39)], textWidth: 75);
        Assert.Equal(ChartGeometry.R(g.Y(32) + 14), y, 6);
    }
}
