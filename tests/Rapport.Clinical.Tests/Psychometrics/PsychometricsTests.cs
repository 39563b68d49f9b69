using Rapport.Clinical.Psychometrics;

namespace Rapport.Clinical.Tests.Psychometrics;

public class PsychometricsTests
{
    private static readonly double[][] Small = [[2, 3, 3], [4, 4, 5], [3, 3, 4], [5, 4, 5], [1, 2, 1]];

    [Fact]
    public void CronbachAlpha_MatchesHandWorkedExample()
    {
        // Item variances 2.5 + 0.7 + 2.8 = 6.0; total variance 16.2; alpha = 3/2 · (1 − 6/16.2) = 0.9444.
        Assert.Equal(0.9444, Reliability.CronbachAlpha(Small), 4);
    }

    [Fact]
    public void Omega_ForTauEquivalentItems_EqualsAlpha()
    {
        // Items = common factor + independent equal-variance noise: tau-equivalent, so omega ≈ alpha.
        var random = new Random(7);
        var rows = new List<IReadOnlyList<double>>();
        for (var i = 0; i < 4000; i++)
        {
            var f = Gaussian(random);
            rows.Add([f + Gaussian(random), f + Gaussian(random), f + Gaussian(random), f + Gaussian(random)]);
        }

        var alpha = Reliability.CronbachAlpha(rows);
        var omega = Reliability.McDonaldOmega(rows);
        Assert.Equal(0.8, alpha, 1);
        Assert.Equal(alpha, omega.Omega, 2);
        Assert.All(omega.Loadings, l => Assert.Equal(1, l, 1));
    }

    [Fact]
    public void Omega_ForCongenericItems_ExceedsAlpha()
    {
        var random = new Random(11);
        double[] loadings = [0.3, 0.6, 0.9, 1.2];
        var rows = new List<IReadOnlyList<double>>();
        for (var i = 0; i < 4000; i++)
        {
            var f = Gaussian(random);
            rows.Add([.. loadings.Select(l => (l * f) + (0.7 * Gaussian(random)))]);
        }

        var omega = Reliability.McDonaldOmega(rows);
        Assert.True(omega.Omega > Reliability.CronbachAlpha(rows));
        Assert.Equal(1.2, omega.Loadings[3], 1);
    }

    [Fact]
    public void FisherInterval_MatchesHandWorkedExample()
    {
        // r = .30, n = 103: z = 0.3095, SE = 0.1; CI tanh(0.3095 ± 0.196) = (0.1130, 0.4664).
        var (lower, upper) = AllianceOutcome.FisherInterval(0.30, 103);
        Assert.Equal(0.1130, lower, 4);
        Assert.Equal(0.4664, upper, 4);
    }

    [Fact]
    public void Associate_PartialsIntakeOutOfTheOutcome()
    {
        // Final = intake − 2·alliance exactly: residual change is perfectly (negatively) related to alliance.
        double[] alliance = [30, 35, 38, 32, 36, 40, 28, 33];
        double[] intake = [18, 12, 20, 15, 17, 14, 19, 16];
        var final = intake.Zip(alliance, (i, a) => i - (0.2 * a)).ToArray();
        var estimate = AllianceOutcome.Associate(alliance, intake, final);
        Assert.Equal(-1, estimate.R, 1);
        Assert.Equal(8, estimate.N);
    }

    [Fact]
    public void Correlate_WithTooFewPairs_IsRejected() =>
        Assert.Throws<ArgumentException>(() => AllianceOutcome.Correlate([1, 2, 3], [1, 2, 3]));

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
