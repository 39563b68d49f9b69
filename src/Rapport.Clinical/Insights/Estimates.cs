using MathNet.Numerics.Distributions;
using Rapport.Clinical.Psychometrics;

namespace Rapport.Clinical.Insights;

/// <summary>A figure with its 95 % interval and the number it came from.</summary>
/// <param name="Value">The estimate.</param>
/// <param name="Lower">Lower bound of the 95 % interval.</param>
/// <param name="Upper">Upper bound of the 95 % interval.</param>
/// <param name="N">How many episodes (or respondents, or pairs) it is computed from.</param>
public readonly record struct Estimate(double Value, double Lower, double Upper, int N);

/// <summary>
/// The interval estimates a practice's insights show. Every one returns its n, so no figure reaches a page without it.
/// Sources in docs/clinical/insights.md.
/// </summary>
public static class Estimates
{
    /// <summary>The two-sided 95 % normal quantile.</summary>
    public const double Z95 = 1.959963984540054;

    /// <summary>
    /// A proportion with the Wilson (1927) score interval (J Am Stat Assoc 22:209-212): unlike the Wald interval it
    /// stays inside [0, 1] and keeps its coverage for small n and for 0 or n events, which is where a small practice lives.
    /// </summary>
    public static Estimate Proportion(int events, int n, double z = Z95)
    {
        if (n < 1 || events < 0 || events > n)
        {
            throw new ArgumentOutOfRangeException(nameof(events), $"need 0 ≤ events ≤ n and n ≥ 1 (events {events}, n {n})");
        }

        var p = (double)events / n;
        var z2 = z * z;
        var denominator = 1 + (z2 / n);
        var centre = (p + (z2 / (2.0 * n))) / denominator;
        var half = z / denominator * Math.Sqrt((p * (1 - p) / n) + (z2 / (4.0 * n * n)));
        // Clamp away floating error at 0 and n events (the exact bounds are 0 and 1).
        return new Estimate(p, Math.Max(0, centre - half), Math.Min(1, centre + half), n);
    }

    /// <summary>A mean with its 95 % t interval (mean ± t(n − 1, .975)·SD/√n).</summary>
    public static Estimate Mean(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var n = values.Count;
        if (n < 2)
        {
            throw new ArgumentException("need at least two values for an interval", nameof(values));
        }

        var mean = values.Average();
        var sd = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (n - 1));
        var half = StudentT.InvCDF(0, 1, n - 1, 0.975) * sd / Math.Sqrt(n);
        return new Estimate(mean, mean - half, mean + half, n);
    }

    /// <summary>Pearson r with its Fisher-z 95 % interval (the one home of that rule is <see cref="AllianceOutcome.FisherInterval"/>).</summary>
    public static Estimate Correlation(CorrelationEstimate r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new Estimate(r.R, r.Lower, r.Upper, r.N);
    }

    /// <summary>
    /// Cronbach's alpha (<see cref="Reliability.CronbachAlpha"/>) with Feldt's (1965) interval (Psychometrika 30:357-370;
    /// Feldt, Woodruff &amp; Salih 1987, Appl Psychol Meas 11:93-103): (1 − α)/(1 − A) follows F with n − 1 and
    /// (n − 1)(k − 1) degrees of freedom, so the bounds are 1 − (1 − α)·F(0.975) and 1 − (1 − α)·F(0.025).
    /// </summary>
    public static Estimate CronbachAlpha(IReadOnlyList<IReadOnlyList<double>> responses)
    {
        ArgumentNullException.ThrowIfNull(responses);
        var alpha = Reliability.CronbachAlpha(responses);
        var n = responses.Count;
        var k = responses[0].Count;
        var (lower, upper) = FeldtInterval(alpha, n, k);
        return new Estimate(alpha, lower, upper, n);
    }

    /// <summary>Feldt's 95 % interval for an alpha from <paramref name="n"/> respondents and <paramref name="k"/> items.</summary>
    public static (double Lower, double Upper) FeldtInterval(double alpha, int n, int k)
    {
        if (n < 3 || k < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(n), "need at least 3 respondents and 2 items");
        }

        double df1 = n - 1, df2 = (n - 1.0) * (k - 1);
        var upperF = FisherSnedecor.InvCDF(df1, df2, 0.975);
        var lowerF = FisherSnedecor.InvCDF(df1, df2, 0.025);
        return (1 - ((1 - alpha) * upperF), 1 - ((1 - alpha) * lowerF));
    }

    /// <summary>
    /// Pre–post standardised mean change: d = (mean pre − mean post) / SD(pre), positive when scores fell (better on a
    /// symptom measure), the benchmarking convention of Minami et al. (2008). Its 95 % interval uses Becker's (1988)
    /// large-sample variance for the repeated-measures design, Var(d) = 2(1 − r)/n + d²/(2n), with r the pre–post
    /// correlation (Br J Math Stat Psychol 41:257-278; Morris &amp; DeShon 2002, Psychol Methods 7:105-125).
    /// </summary>
    public static Estimate PrePostEffectSize(IReadOnlyList<double> pre, IReadOnlyList<double> post)
    {
        ArgumentNullException.ThrowIfNull(pre);
        ArgumentNullException.ThrowIfNull(post);
        var n = pre.Count;
        if (n != post.Count || n < 3)
        {
            throw new ArgumentException("need paired pre and post scores, at least three pairs");
        }

        var meanPre = pre.Average();
        var meanPost = post.Average();
        double sPre = 0, sPost = 0, sCross = 0;
        for (var i = 0; i < n; i++)
        {
            sPre += (pre[i] - meanPre) * (pre[i] - meanPre);
            sPost += (post[i] - meanPost) * (post[i] - meanPost);
            sCross += (pre[i] - meanPre) * (post[i] - meanPost);
        }

        if (sPre <= 0)
        {
            throw new ArgumentException("pre scores have no variance; the effect size is undefined");
        }

        var sdPre = Math.Sqrt(sPre / (n - 1));
        // With no variance after treatment r is undefined; 0 is the conservative choice (the widest interval).
        var r = sPost > 0 ? sCross / Math.Sqrt(sPre * sPost) : 0;
        var d = (meanPre - meanPost) / sdPre;
        var se = Math.Sqrt((2 * (1 - r) / n) + (d * d / (2.0 * n)));
        return new Estimate(d, d - (Z95 * se), d + (Z95 * se), n);
    }
}
