namespace Rapport.Clinical.Insights;

/// <summary>Control limits for a proportion at one n: inner (95 %) and outer (99.8 %).</summary>
public readonly record struct FunnelPoint(int N, double Lower95, double Upper95, double Lower998, double Upper998);

/// <summary>Where one provider's proportion falls against the funnel.</summary>
public enum FunnelPosition
{
    /// <summary>Inside the 95 % limits: consistent with the practice's rate.</summary>
    Within,
    /// <summary>Between the 95 % and 99.8 % limits, above (an "alert" in Spiegelhalter's words).</summary>
    AboveInner,
    /// <summary>Beyond the upper 99.8 % limit (an "alarm").</summary>
    AboveOuter,
    /// <summary>Between the 95 % and 99.8 % limits, below.</summary>
    BelowInner,
    /// <summary>Beyond the lower 99.8 % limit.</summary>
    BelowOuter,
}

/// <summary>
/// Funnel-plot control limits for comparing providers on a proportion (Spiegelhalter 2005, "Funnel plots for
/// comparing institutional performance", Stat Med 24:1185-1202): the target is the practice's own proportion p₀ and the
/// limits at n are p₀ ± z·√(p₀(1 − p₀)/n), z = 1.96 (95 %) and 3.09 (99.8 %), clamped to [0, 1]. This is the normal
/// approximation of Spiegelhalter's section 3.1; his exact binomial limits differ slightly at very small n, where
/// Rapport hides the figure anyway (the minimum n). Providers are drawn as points, never ranked.
/// </summary>
public static class FunnelLimits
{
    /// <summary>z for the inner limits (two-sided 95 %).</summary>
    public const double Inner = Estimates.Z95;

    /// <summary>z for the outer limits (two-sided 99.8 %).</summary>
    public const double Outer = 3.090232306167813;

    /// <summary>The limits around <paramref name="target"/> for a provider with <paramref name="n"/> cases.</summary>
    public static FunnelPoint At(double target, int n)
    {
        if (n < 1 || target is < 0 or > 1 || double.IsNaN(target))
        {
            throw new ArgumentOutOfRangeException(nameof(n), "need n ≥ 1 and a target proportion in [0, 1]");
        }

        var se = Math.Sqrt(target * (1 - target) / n);
        return new FunnelPoint(
            n,
            Math.Max(0, target - (Inner * se)),
            Math.Min(1, target + (Inner * se)),
            Math.Max(0, target - (Outer * se)),
            Math.Min(1, target + (Outer * se)));
    }

    /// <summary>The limits at each n from <paramref name="from"/> to <paramref name="to"/> (for drawing the funnel).</summary>
    public static IReadOnlyList<FunnelPoint> Curve(double target, int from, int to)
    {
        if (from < 1 || to < from)
        {
            throw new ArgumentOutOfRangeException(nameof(from), "need 1 ≤ from ≤ to");
        }

        return [.. Enumerable.Range(from, to - from + 1).Select(n => At(target, n))];
    }

    /// <summary>Where a proportion of <paramref name="events"/> in <paramref name="n"/> falls against the funnel.</summary>
    public static FunnelPosition Place(double target, int events, int n)
    {
        var limits = At(target, n);
        var p = (double)events / n;
        return p > limits.Upper998 ? FunnelPosition.AboveOuter
            : p > limits.Upper95 ? FunnelPosition.AboveInner
            : p < limits.Lower998 ? FunnelPosition.BelowOuter
            : p < limits.Lower95 ? FunnelPosition.BelowInner
            : FunnelPosition.Within;
    }
}
