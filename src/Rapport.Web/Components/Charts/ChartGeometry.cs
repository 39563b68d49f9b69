using System.Globalization;
using System.Text;

namespace Rapport.Web.Components.Charts;

/// <summary>The shape drawn for a point, so no meaning rests on colour alone (WCAG 1.4.1).</summary>
public enum MarkerShape
{
    Circle,
    TriangleDown,
    TriangleUp,
    Cross,
    Square,
}

/// <summary>
/// The pure geometry of a line chart in SVG user units: scales from check-in number and score to x and y, the line,
/// the expected band as one polygon, ticks and marker shapes. No rendering here, so unit tests can check where a score
/// lands; the Razor components only print these numbers. The y axis runs upward (a higher score is drawn higher).
/// </summary>
public sealed class ChartGeometry
{
    public const double Width = 420;
    public const double Height = 240;
    public const double Left = 40;
    public const double Right = 16;
    public const double Top = 14;
    public const double Bottom = 34;

    public ChartGeometry(int count, double yMin, double yMax)
    {
        if (count < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "a chart needs at least one point");
        }

        if (!(yMax > yMin))
        {
            throw new ArgumentOutOfRangeException(nameof(yMax), yMax, "the top of the scale must be above its bottom");
        }

        Count = count;
        YMin = yMin;
        YMax = yMax;
    }

    public int Count { get; }

    public double YMin { get; }

    public double YMax { get; }

    public double PlotLeft => Left;

    public double PlotRight => Width - Right;

    public double PlotTop => Top;

    public double PlotBottom => Height - Bottom;

    public static string ViewBox => F($"0 0 {Width} {Height}");

    /// <summary>x of the nth point (1-based); a single point sits in the middle.</summary>
    public double X(int n)
    {
        var inset = 12.0;
        var span = PlotRight - PlotLeft - (2 * inset);
        return Count == 1 ? PlotLeft + ((PlotRight - PlotLeft) / 2) : PlotLeft + inset + (span * (n - 1) / (Count - 1));
    }

    /// <summary>y of a score, clamped to the scale so a value off the scale stays on the chart's edge.</summary>
    public double Y(double value)
    {
        var clamped = Math.Clamp(value, YMin, YMax);
        return PlotBottom - ((PlotBottom - PlotTop) * (clamped - YMin) / (YMax - YMin));
    }

    /// <summary>The points of a polyline through (n, value) pairs.</summary>
    public string Line(IEnumerable<(int N, double Value)> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        return string.Join(' ', points.Select(p => F($"{R(X(p.N))},{R(Y(p.Value))}")));
    }

    /// <summary>
    /// Where to print a threshold's label (e.g. "low below 32") so it does not sit on the data line: just under the
    /// dashed line at the right, else just over it, else the same two at the left; the first spot whose text box (plus a
    /// marker's radius) the line does not cross and that stays inside the plot. <paramref name="textWidth"/> in user units.
    /// </summary>
    public (double X, double Y, string Anchor) ThresholdLabel(double threshold, IReadOnlyList<(int N, double Value)> points, double textWidth)
    {
        ArgumentNullException.ThrowIfNull(points);
        var ly = Y(threshold);
        (double X, double Y, string Anchor, double From, double To)[] spots =
        [
            (PlotRight - 2, ly + 14, "end", PlotRight - 2 - textWidth, PlotRight - 2),
            (PlotRight - 2, ly - 5, "end", PlotRight - 2 - textWidth, PlotRight - 2),
            (PlotLeft + 4, ly + 14, "start", PlotLeft + 4, PlotLeft + 4 + textWidth),
            (PlotLeft + 4, ly - 5, "start", PlotLeft + 4, PlotLeft + 4 + textWidth),
        ];
        var line = points.Select(p => (X: X(p.N), Y: Y(p.Value))).ToList();
        foreach (var spot in spots)
        {
            // A 12-unit font: about 9 above the baseline and 3 below; 5 more for the point markers' radius.
            var (top, bottom) = (spot.Y - 9 - 5, spot.Y + 3 + 5);
            if (top >= PlotTop && bottom <= PlotBottom + 5 && !Crosses(line, spot.From - 5, spot.To + 5, top, bottom))
            {
                return (R(spot.X), R(spot.Y), spot.Anchor);
            }
        }

        return (R(spots[0].X), R(spots[0].Y), spots[0].Anchor);
    }

    // Whether the polyline passes through the box [left, right] × [top, bottom].
    private static bool Crosses(IReadOnlyList<(double X, double Y)> line, double left, double right, double top, double bottom)
    {
        if (line.Count == 1)
        {
            return line[0].X >= left && line[0].X <= right && line[0].Y >= top && line[0].Y <= bottom;
        }

        for (var i = 1; i < line.Count; i++)
        {
            var (a, b) = (line[i - 1], line[i]);
            var from = Math.Max(left, Math.Min(a.X, b.X));
            var to = Math.Min(right, Math.Max(a.X, b.X));
            if (from > to)
            {
                continue;
            }

            double At(double x) => b.X == a.X ? a.Y : a.Y + ((b.Y - a.Y) * (x - a.X) / (b.X - a.X));
            var (y1, y2) = (At(from), At(to));
            if (Math.Max(y1, y2) >= top && Math.Min(y1, y2) <= bottom)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The expected band as one closed polygon: along the upper edge left to right, then back along the lower edge.
    /// </summary>
    public IReadOnlyList<(double X, double Y)> BandPolygon(IReadOnlyList<(int N, double Lower, double Upper)> band)
    {
        ArgumentNullException.ThrowIfNull(band);
        var upper = band.Select(b => (R(X(b.N)), R(Y(b.Upper))));
        var lower = band.Reverse().Select(b => (R(X(b.N)), R(Y(b.Lower))));
        return [.. upper, .. lower];
    }

    public static string Points(IEnumerable<(double X, double Y)> points) =>
        string.Join(' ', points.Select(p => F($"{p.X},{p.Y}")));

    /// <summary>Round y-axis ticks: whole steps chosen so there are at most about six.</summary>
    public IReadOnlyList<(double Value, double Y)> YTicks()
    {
        var range = YMax - YMin;
        var step = new[] { 1, 2, 5, 10, 20, 50 }.First(s => range / s <= 6);
        var ticks = new List<(double, double)>();
        for (var v = Math.Ceiling(YMin / step) * step; v <= YMax + 1e-9; v += step)
        {
            ticks.Add((v, R(Y(v))));
        }

        return ticks;
    }

    /// <summary>x-axis ticks: every check-in when there are few, else evenly thinned, always the first and the last.</summary>
    public IReadOnlyList<(int N, double X)> XTicks(int max = 12)
    {
        var step = (int)Math.Ceiling(Count / (double)max);
        var ns = Enumerable.Range(1, Count).Where(n => (n - 1) % step == 0).ToList();
        if (ns[^1] != Count)
        {
            if (Count - ns[^1] < step / 2.0)
            {
                ns.RemoveAt(ns.Count - 1);
            }

            ns.Add(Count);
        }

        return [.. ns.Select(n => (n, R(X(n))))];
    }

    /// <summary>An SVG path for a marker centred on (x, y).</summary>
    public static string Marker(MarkerShape shape, double x, double y, double size = 6)
    {
        var s = size;
        var b = new StringBuilder();
        switch (shape)
        {
            case MarkerShape.TriangleDown:
                b.Append(F($"M{R(x - s)},{R(y - s)} L{R(x + s)},{R(y - s)} L{R(x)},{R(y + s)} Z"));
                break;
            case MarkerShape.TriangleUp:
                b.Append(F($"M{R(x - s)},{R(y + s)} L{R(x + s)},{R(y + s)} L{R(x)},{R(y - s)} Z"));
                break;
            case MarkerShape.Cross:
                b.Append(F($"M{R(x - s)},{R(y - s)} L{R(x + s)},{R(y + s)} M{R(x + s)},{R(y - s)} L{R(x - s)},{R(y + s)}"));
                break;
            case MarkerShape.Square:
                b.Append(F($"M{R(x - s)},{R(y - s)} H{R(x + s)} V{R(y + s)} H{R(x - s)} Z"));
                break;
            default:
                // A circle as two arcs, so every marker is one <path>.
                b.Append(F($"M{R(x - (s / 2))},{R(y)} a{R(s / 2)},{R(s / 2)} 0 1,0 {R(s)},0 a{R(s / 2)},{R(s / 2)} 0 1,0 {R(-s)},0"));
                break;
        }

        return b.ToString();
    }

    /// <summary>Two decimals are finer than any screen or printer needs, and keep the HTML small.</summary>
    public static double R(double value) => Math.Round(value, 2);

    public static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    public static string N(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);
}
