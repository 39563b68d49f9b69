using Rapport.Clinical.ExpectedResponse;
using Rapport.Clinical.Instruments;

namespace Rapport.Clinical.Simulation;

/// <summary>The true course of a simulated episode.</summary>
public enum TrueCourse
{
    /// <summary>True change at least the reliable change in the better direction.</summary>
    Improver,

    /// <summary>True change smaller than the reliable change either way.</summary>
    NonImprover,

    /// <summary>True change at least the reliable change in the worse direction.</summary>
    Deteriorator,
}

/// <summary>A simulated outcome episode with its ground truth.</summary>
public sealed record SimulatedEpisode(EpisodeSeries Series, TrueCourse Truth, double TrueChange);

/// <summary>
/// Simulated outcome cohorts with known ground truth, for evaluating not-on-track alarms. Each client follows a true
/// exponential course from intake with a client-specific speed; observed scores add normal measurement error with
/// SD = SEM = RC / (1.96·√2), i.e. noise at the instrument's reliability, then are rounded and clipped to the range.
/// </summary>
public static class OutcomeCohort
{
    /// <summary>Generates <paramref name="count"/> episodes (intake at caseness) for a symptom measure (higher is worse).</summary>
    /// <param name="instrument">PHQ-9 or GAD-7 (needs a reliable change and a caseness cut-off).</param>
    /// <param name="count">Episodes.</param>
    /// <param name="seed">Random seed: same seed, same cohort.</param>
    /// <param name="improverShare">Share generated as improvers.</param>
    /// <param name="deterioratorShare">Share generated as deteriorators (the rest are non-responders).</param>
    public static IReadOnlyList<SimulatedEpisode> Generate(Instrument instrument, int count, int seed, double improverShare = 0.55, double deterioratorShare = 0.15)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        var s = instrument.Scoring;
        var rc = s.ReliableChange?.Threshold ?? throw new ArgumentException("instrument needs a reliable change", nameof(instrument));
        var cut = s.Caseness?.Threshold ?? throw new ArgumentException("instrument needs a caseness cut-off", nameof(instrument));
        var sem = rc / (1.96 * Math.Sqrt(2));
        var random = new Random(seed);
        var max = s.TotalMax;
        var meanIntake = cut + ((max - cut) * 0.4);
        var sdIntake = (max - cut) * 0.25;
        var floor = max * 0.1;
        var episodes = new List<SimulatedEpisode>(count);
        for (var e = 0; e < count; e++)
        {
            var trueIntake = Math.Clamp(Gaussian(random, meanIntake, sdIntake), cut, max - 1);
            var sessions = random.Next(8, 13);
            var speed = 0.2 + (random.NextDouble() * 0.5);
            var u = random.NextDouble();
            double change;
            if (u < improverShare)
            {
                change = -Math.Max(rc + 1, (0.4 + (random.NextDouble() * 0.45)) * (trueIntake - floor));
            }
            else if (u < improverShare + deterioratorShare)
            {
                change = rc + (random.NextDouble() * 6 * rc / 6);
            }
            else
            {
                change = -3 * rc / 6 + (random.NextDouble() * 5 * rc / 6);
            }

            var trueFinal = Math.Clamp(trueIntake + change, 0, max);
            var realised = trueFinal - trueIntake;
            var truth = realised <= -rc ? TrueCourse.Improver : realised >= rc ? TrueCourse.Deteriorator : TrueCourse.NonImprover;
            var scores = new double[sessions];
            var norm = 1 - Math.Exp(-speed * (sessions - 1));
            for (var t = 1; t <= sessions; t++)
            {
                var progress = (1 - Math.Exp(-speed * (t - 1))) / norm;
                var trueScore = trueIntake + (realised * progress);
                scores[t - 1] = Math.Clamp(Math.Round(trueScore + Gaussian(random, 0, sem)), s.TotalMin, max);
            }

            episodes.Add(new SimulatedEpisode(new EpisodeSeries($"sim-{seed}-{e}", scores), truth, realised));
        }

        return episodes;
    }

    internal static double Gaussian(Random random, double mean, double sd)
    {
        // Box–Muller: enough for simulation, and reproducible from the seed.
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return mean + (sd * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
    }
}

/// <summary>Sensitivity and false alarms of a not-on-track model on a simulated cohort.</summary>
/// <param name="Model">Model description.</param>
/// <param name="Tolerance">Band half-width in SDs.</param>
/// <param name="BySession">Flagged by this session.</param>
/// <param name="DeterioratorsFlagged">Share of true deteriorators flagged.</param>
/// <param name="NonImproversFlagged">Share of true non-improvers (not deteriorating) flagged.</param>
/// <param name="PositivesFlagged">Share of deteriorators and non-improvers together flagged.</param>
/// <param name="FalseAlarms">Share of true improvers flagged.</param>
/// <param name="Counts">Deteriorators / non-improvers / improvers in the cohort.</param>
public sealed record NotOnTrackMetrics(string Model, double Tolerance, int BySession, double DeterioratorsFlagged, double NonImproversFlagged, double PositivesFlagged, double FalseAlarms, (int Deteriorators, int NonImprovers, int Improvers) Counts);

/// <summary>Evaluates not-on-track models on simulated cohorts.</summary>
public static class NotOnTrackEvaluation
{
    /// <summary>Flags by <paramref name="bySession"/> and tallies against ground truth.</summary>
    public static NotOnTrackMetrics Evaluate(string name, ExpectedResponseModel model, IReadOnlyList<SimulatedEpisode> cohort, int bySession)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(cohort);
        int det = 0, detFlag = 0, non = 0, nonFlag = 0, imp = 0, impFlag = 0;
        foreach (var episode in cohort)
        {
            var scores = episode.Series.Scores as double[] ?? [.. episode.Series.Scores];
            var flagged = NotOnTrack.Evaluate(model, scores, bySession).OffTrack;
            switch (episode.Truth)
            {
                case TrueCourse.Deteriorator:
                    det++;
                    detFlag += flagged ? 1 : 0;
                    break;
                case TrueCourse.NonImprover:
                    non++;
                    nonFlag += flagged ? 1 : 0;
                    break;
                default:
                    imp++;
                    impFlag += flagged ? 1 : 0;
                    break;
            }
        }

        return new NotOnTrackMetrics(
            name, model.Tolerance, bySession, Share(detFlag, det), Share(nonFlag, non), Share(detFlag + nonFlag, det + non), Share(impFlag, imp), (det, non, imp));
    }

    /// <summary>
    /// The largest band tolerance (in 0.05 steps) whose false-alarm rate on a calibration cohort stays at or below
    /// <paramref name="targetFalseAlarm"/>: how a practice's eventual outcomes set the band, Finch-style.
    /// </summary>
    public static double CalibrateTolerance(Func<double, ExpectedResponseModel> build, IReadOnlyList<SimulatedEpisode> calibration, int bySession, double targetFalseAlarm)
    {
        ArgumentNullException.ThrowIfNull(build);
        var best = 3.0;
        for (var z = 3.0; z >= -1.0; z -= 0.05)
        {
            var metrics = Evaluate("calibration", build(Math.Round(z, 2)), calibration, bySession);
            if (metrics.FalseAlarms > targetFalseAlarm)
            {
                break;
            }

            best = Math.Round(z, 2);
        }

        return best;
    }

    private static double Share(int part, int whole) => whole == 0 ? 0 : (double)part / whole;
}
