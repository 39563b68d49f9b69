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
