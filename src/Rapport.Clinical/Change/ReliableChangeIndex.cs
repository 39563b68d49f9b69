namespace Rapport.Clinical.Change;

/// <summary>
/// Jacobson &amp; Truax (1991) reliable change index, J Consult Clin Psychol 59(1):12-19, doi:10.1037/0022-006X.59.1.12.
/// SE of measurement = SD·√(1 − r); S_diff = √(2·SE²) (the √2 restored by Christensen &amp; Mendoza 1986).
/// We use this classic S_diff with the normative (pre-treatment) SD, not Maassen's (2004) pre/post-variance variant.
/// </summary>
public static class ReliableChangeIndex
{
    /// <summary>Two-tailed 95% criterion on |RCI|.</summary>
    public const double Criterion = 1.96;

    /// <summary>Standard error of measurement, SD·√(1 − r).</summary>
    public static double StandardErrorOfMeasurement(double sd, double reliability)
    {
        Validate(sd, reliability);
        return sd * Math.Sqrt(1 - reliability);
    }

    /// <summary>Standard error of the difference, √2 · SEM.</summary>
    public static double StandardErrorOfDifference(double sd, double reliability) =>
        Math.Sqrt(2) * StandardErrorOfMeasurement(sd, reliability);

    /// <summary>RCI = (post − pre) / S_diff. Its sign follows the raw change, not improvement.</summary>
    public static double Compute(double pre, double post, double sd, double reliability) =>
        (post - pre) / StandardErrorOfDifference(sd, reliability);

    /// <summary>The smallest raw change that is reliable: 1.96 · S_diff.</summary>
    public static double MinimumReliableChange(double sd, double reliability) =>
        Criterion * StandardErrorOfDifference(sd, reliability);

    private static void Validate(double sd, double reliability)
    {
        if (!(sd > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(sd), sd, "SD must be positive");
        }

        if (!(reliability is >= 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(reliability), reliability, "reliability must be in [0, 1)");
        }
    }
}
