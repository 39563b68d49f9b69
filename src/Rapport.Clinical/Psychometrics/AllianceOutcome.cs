namespace Rapport.Clinical.Psychometrics;

/// <summary>A correlation with its Fisher-z confidence interval.</summary>
/// <param name="R">Pearson correlation.</param>
/// <param name="N">Number of pairs.</param>
/// <param name="Lower">Lower bound of the 95% interval.</param>
/// <param name="Upper">Upper bound of the 95% interval.</param>
public sealed record CorrelationEstimate(double R, int N, double Lower, double Upper);

/// <summary>
/// Alliance–outcome association from a practice's own episodes: early alliance against residual change, the design
/// behind the meta-analytic r ≈ .28 (Flückiger, Del Re, Wampold &amp; Horvath 2018, Psychotherapy 55(4), doi:10.1037/pst0000172).
/// </summary>
public static class AllianceOutcome
{
    /// <summary>
    /// Correlates early alliance with residual change in the outcome: the residual of the final score regressed
    /// (ordinary least squares) on the intake score, so intake severity is partialled out of the outcome. Interval by
    /// Fisher's z: z = atanh(r), SE = 1/√(n − 3), back-transformed with tanh.
    /// </summary>
    /// <remarks>For symptom measures (higher is worse) a helpful alliance shows as a negative r.</remarks>
    public static CorrelationEstimate Associate(IReadOnlyList<double> earlyAlliance, IReadOnlyList<double> intake, IReadOnlyList<double> final)
    {
        ArgumentNullException.ThrowIfNull(earlyAlliance);
        ArgumentNullException.ThrowIfNull(intake);
        ArgumentNullException.ThrowIfNull(final);
        if (earlyAlliance.Count != intake.Count || intake.Count != final.Count)
        {
            throw new ArgumentException("alliance, intake and final series must have the same length");
        }

        var residuals = ResidualChange(intake, final);
        return Correlate(earlyAlliance, residuals);
    }

    /// <summary>Residuals of <paramref name="final"/> regressed on <paramref name="intake"/>.</summary>
    public static double[] ResidualChange(IReadOnlyList<double> intake, IReadOnlyList<double> final)
    {
        ArgumentNullException.ThrowIfNull(intake);
        ArgumentNullException.ThrowIfNull(final);
        var n = intake.Count;
        var mx = intake.Average();
        var my = final.Average();
        double sxy = 0, sxx = 0;
        for (var i = 0; i < n; i++)
        {
            sxy += (intake[i] - mx) * (final[i] - my);
            sxx += (intake[i] - mx) * (intake[i] - mx);
        }

        var slope = sxx > 0 ? sxy / sxx : 0;
        var residuals = new double[n];
        for (var i = 0; i < n; i++)
        {
            residuals[i] = final[i] - (my + (slope * (intake[i] - mx)));
        }

        return residuals;
    }

    /// <summary>Pearson r with a 95% Fisher-z interval. Needs at least four pairs.</summary>
    public static CorrelationEstimate Correlate(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        var n = x.Count;
        if (n != y.Count || n < 4)
        {
            throw new ArgumentException("need two series of equal length, at least four pairs");
        }

        var mx = x.Average();
        var my = y.Average();
        double sxy = 0, sxx = 0, syy = 0;
        for (var i = 0; i < n; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }

        if (sxx <= 0 || syy <= 0)
        {
            throw new ArgumentException("a series has no variance; r is undefined");
        }

        var r = sxy / Math.Sqrt(sxx * syy);
        var (lower, upper) = FisherInterval(r, n);
        return new CorrelationEstimate(r, n, lower, upper);
    }

    /// <summary>95% interval for r by Fisher's z transformation.</summary>
    public static (double Lower, double Upper) FisherInterval(double r, int n, double z = 1.959963984540054)
    {
        var clamped = Math.Clamp(r, -0.999999, 0.999999);
        var fz = Math.Atanh(clamped);
        var se = 1 / Math.Sqrt(n - 3);
        return (Math.Tanh(fz - (z * se)), Math.Tanh(fz + (z * se)));
    }
}
