using Rapport.Clinical.Instruments;

namespace Rapport.Clinical.ExpectedResponse;

/// <summary>The expected score and tolerance band at one session for a given intake score.</summary>
/// <param name="Session">Session number (1 = intake).</param>
/// <param name="Expected">Expected score.</param>
/// <param name="Lower">Lower edge of the band.</param>
/// <param name="Upper">Upper edge of the band.</param>
public readonly record struct ExpectedBand(int Session, double Expected, double Lower, double Upper);

/// <summary>One episode's totals by session, index 0 = session 1 (intake).</summary>
public sealed record EpisodeSeries(string EpisodeId, IReadOnlyList<double> Scores);

/// <summary>
/// Expected treatment response by intake severity and session number, in the style of Finch, Lambert &amp; Schaalje
/// (2001): a score outside the tolerance band on the "worse" side marks the client not on track. Three sources:
/// the documented default curve (until a practice has enough episodes), a per-session regression refitted on the
/// practice's own episodes (<see cref="Fit"/>), or nearest neighbours (<see cref="NearestNeighbourModel"/>, Lutz et al. 2006).
/// </summary>
public abstract class ExpectedResponseModel
{
    /// <summary>Creates a model for an instrument.</summary>
    protected ExpectedResponseModel(string instrumentId, ScoreDirection direction, double tolerance, string source)
    {
        InstrumentId = instrumentId;
        Direction = direction;
        Tolerance = tolerance;
        Source = source;
    }

    /// <summary>The outcome instrument.</summary>
    public string InstrumentId { get; }

    /// <summary>Which side of the band is "worse".</summary>
    public ScoreDirection Direction { get; }

    /// <summary>Band half-width in residual SDs (one-sided alarm on the worse side).</summary>
    public double Tolerance { get; }

    /// <summary>Where the model comes from, for the therapist and the docs.</summary>
    public string Source { get; }

    /// <summary>The expected band at <paramref name="session"/> for a client whose intake score was <paramref name="intake"/>.</summary>
    public abstract ExpectedBand Band(double intake, int session);

    /// <summary>Whether <paramref name="score"/> at <paramref name="session"/> is outside the band on the worse side.</summary>
    public bool IsOffTrack(double intake, int session, double score)
    {
        var band = Band(intake, session);
        return Direction == ScoreDirection.HigherIsBetter ? score < band.Lower : score > band.Upper;
    }

    /// <summary>
    /// The documented default for an outcome instrument: a negatively accelerated (log-linear) dose–response curve,
    /// expected(t) = intake − g·(intake − floor)·(1 − e^(−k(t−1))), with residual SD
    /// √(SEM² + (τ·(1 − e^(−k(t−1))))²). Parameters are Rapport's assumptions, set to approximate published NHS
    /// Talking Therapies averages; they are not fitted to real data (see docs/clinical/expected-response.md).
    /// </summary>
    public static ExpectedResponseModel Default(Instrument instrument, double tolerance = DefaultCurveModel.DefaultTolerance)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        return DefaultCurveModel.For(instrument, tolerance);
    }

    /// <summary>
    /// Refits from a practice's own episodes (Finch/Lambert style): for each session t ≥ 2, an ordinary least-squares
    /// regression of the session-t score on the intake score, with the residual SD as the band's scale. Sessions with
    /// fewer than <paramref name="minEpisodesPerSession"/> episodes reuse the last fitted session.
    /// </summary>
    public static ExpectedResponseModel Fit(Instrument instrument, IReadOnlyList<EpisodeSeries> episodes, double tolerance = DefaultCurveModel.DefaultTolerance, int minEpisodesPerSession = 30)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        return RegressionModel.FitCore(instrument, episodes, tolerance, minEpisodesPerSession);
    }

    /// <summary>Practice episodes needed before <see cref="Fit"/> replaces the default.</summary>
    public const int EpisodesNeededToRefit = 200;

    /// <summary>
    /// The model a practice should use now: the documented default until it has <see cref="EpisodesNeededToRefit"/>
    /// finished episodes, then a per-session regression refitted on them with the band width calibrated so that at most
    /// <paramref name="targetFalseAlarm"/> of its reliably improved episodes would have been flagged by session 3.
    /// </summary>
    public static ExpectedResponseModel ForPractice(Instrument instrument, IReadOnlyList<EpisodeSeries> finishedEpisodes, double targetFalseAlarm = 0.25)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        ArgumentNullException.ThrowIfNull(finishedEpisodes);
        if (finishedEpisodes.Count < EpisodesNeededToRefit)
        {
            return Default(instrument);
        }

        var rc = instrument.Scoring.ReliableChange?.Threshold
            ?? throw new ArgumentException($"{instrument.Id} has no reliable change to judge eventual improvement", nameof(instrument));
        var z = NotOnTrack.CalibrateTolerance(t => Fit(instrument, finishedEpisodes, t), finishedEpisodes, rc, 3, targetFalseAlarm);
        return Fit(instrument, finishedEpisodes, z);
    }
}

/// <summary>The default curve (see <see cref="ExpectedResponseModel.Default"/>).</summary>
public sealed class DefaultCurveModel : ExpectedResponseModel
{
    /// <summary>Default band half-width in residual SDs.</summary>
    public const double DefaultTolerance = 1.0;

    private DefaultCurveModel(string id, ScoreDirection direction, double tolerance, double floor, double gain, double rate, double sem, double tau, double min, double max)
        : base(id, direction, tolerance, $"Rapport default curve for {id}: floor {floor}, gain {gain}, rate {rate}/session, SEM {sem:0.##}, τ {tau} (assumed, not fitted)")
    {
        Floor = floor;
        Gain = gain;
        Rate = rate;
        Sem = sem;
        Tau = tau;
        Min = min;
        Max = max;
    }

    /// <summary>Score the curve tends toward for a full responder (non-clinical mean).</summary>
    public double Floor { get; }

    /// <summary>Share of the intake-to-floor gap closed by the typical client.</summary>
    public double Gain { get; }

    /// <summary>Per-session rate of the exponential approach.</summary>
    public double Rate { get; }

    /// <summary>Standard error of measurement, from the instrument's reliable change (RC / (1.96·√2)).</summary>
    public double Sem { get; }

    /// <summary>Between-client spread of response at the asymptote.</summary>
    public double Tau { get; }

    /// <summary>Lowest possible score.</summary>
    public double Min { get; }

    /// <summary>Highest possible score.</summary>
    public double Max { get; }

    internal static DefaultCurveModel For(Instrument instrument, double tolerance)
    {
        var s = instrument.Scoring;
        var rc = s.ReliableChange?.Threshold
            ?? throw new ArgumentException($"{instrument.Id} has no reliable change; the default expected-response curve needs one", nameof(instrument));
        var sem = rc / (1.96 * Math.Sqrt(2));
        var range = s.TotalMax - s.TotalMin;
        return instrument.Kind != InstrumentKind.Outcome
            ? throw new ArgumentException($"{instrument.Id} is not an outcome instrument", nameof(instrument))
            : s.Direction == ScoreDirection.HigherIsBetter
                ? new DefaultCurveModel(instrument.Id, s.Direction, tolerance, s.TotalMin + (range * 0.8), 0.55, 0.3, sem, range * 0.2, s.TotalMin, s.TotalMax)
                : new DefaultCurveModel(instrument.Id, s.Direction, tolerance, s.TotalMin + (range * 0.15), 0.55, 0.3, sem, range * 0.2, s.TotalMin, s.TotalMax);
    }

    /// <inheritdoc />
    public override ExpectedBand Band(double intake, int session)
    {
        var progress = 1 - Math.Exp(-Rate * (Math.Max(session, 1) - 1));
        var expected = intake - (Gain * (intake - Floor) * progress);
        var sd = Math.Sqrt((Sem * Sem) + (Tau * progress * Tau * progress));
        var half = Tolerance * sd;
        return new ExpectedBand(session, expected, Math.Max(Min, expected - half), Math.Min(Max, expected + half));
    }
}

/// <summary>Per-session regression on intake (see <see cref="ExpectedResponseModel.Fit"/>).</summary>
public sealed class RegressionModel : ExpectedResponseModel
{
    private readonly (double Intercept, double Slope, double ResidualSd)[] _bySession;

    private RegressionModel(string id, ScoreDirection direction, double tolerance, (double, double, double)[] bySession, int episodes)
        : base(id, direction, tolerance, $"Refitted on {episodes} practice episodes: per-session OLS of score on intake (Finch, Lambert & Schaalje 2001 style)")
    {
        _bySession = bySession;
        Episodes = episodes;
    }

    /// <summary>Intercept, slope on intake and residual SD for sessions 2, 3, … (index 0 = session 2).</summary>
    public IReadOnlyList<(double Intercept, double Slope, double ResidualSd)> Coefficients => _bySession;

    /// <summary>How many episodes the model was fitted on.</summary>
    public int Episodes { get; }

    /// <summary>The numbers that define this model, to store it and restore it later with <see cref="Restore"/> without refitting.</summary>
    public ExpectedModelParameters ToParameters() =>
        new(InstrumentId, Tolerance, Episodes, [.. _bySession.Select(c => new SessionFit(c.Intercept, c.Slope, c.ResidualSd))]);

    /// <summary>
    /// Rebuilds a fitted model from its stored parameters: the same bands as the model <see cref="ToParameters"/> came from.
    /// Throws <see cref="ArgumentException"/> when the parameters are for another instrument or are not a usable model
    /// (no sessions, a negative or non-finite tolerance or residual SD, non-finite coefficients).
    /// </summary>
    public static RegressionModel Restore(Instrument instrument, ExpectedModelParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        ArgumentNullException.ThrowIfNull(parameters);
        if (!string.Equals(parameters.InstrumentId, instrument.Id, StringComparison.Ordinal))
        {
            throw new ArgumentException($"the parameters are for {parameters.InstrumentId}, not {instrument.Id}", nameof(parameters));
        }

        if (parameters.Sessions is null || parameters.Sessions.Count == 0)
        {
            throw new ArgumentException("a fitted model needs at least one session's coefficients", nameof(parameters));
        }

        if (!double.IsFinite(parameters.Tolerance) || parameters.Tolerance < 0)
        {
            throw new ArgumentException($"tolerance must be a finite number of SDs, 0 or more (was {parameters.Tolerance})", nameof(parameters));
        }

        if (parameters.Episodes < 1)
        {
            throw new ArgumentException($"a fitted model comes from at least one episode (was {parameters.Episodes})", nameof(parameters));
        }

        foreach (var s in parameters.Sessions)
        {
            if (!double.IsFinite(s.Intercept) || !double.IsFinite(s.Slope) || !double.IsFinite(s.ResidualSd) || s.ResidualSd < 0)
            {
                throw new ArgumentException("every session needs a finite intercept and slope and a finite residual SD of 0 or more", nameof(parameters));
            }
        }

        return new RegressionModel(instrument.Id, instrument.Scoring.Direction, parameters.Tolerance,
            [.. parameters.Sessions.Select(s => (s.Intercept, s.Slope, s.ResidualSd))], parameters.Episodes);
    }

    internal static RegressionModel FitCore(Instrument instrument, IReadOnlyList<EpisodeSeries> episodes, double tolerance, int minEpisodes)
    {
        ArgumentNullException.ThrowIfNull(episodes);
        var maxSessions = episodes.Count == 0 ? 0 : episodes.Max(e => e.Scores.Count);
        var fitted = new List<(double, double, double)>();
        for (var t = 1; t < maxSessions; t++)
        {
            double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
            foreach (var e in episodes)
            {
                if (e.Scores.Count > t)
                {
                    var x = e.Scores[0];
                    var y = e.Scores[t];
                    n++;
                    sx += x;
                    sy += y;
                    sxx += x * x;
                    sxy += x * y;
                }
            }

            if (n < minEpisodes)
            {
                break;
            }

            var denominator = (n * sxx) - (sx * sx);
            var slope = denominator > 0 ? ((n * sxy) - (sx * sy)) / denominator : 0;
            var intercept = (sy - (slope * sx)) / n;
            double ss = 0;
            foreach (var e in episodes)
            {
                if (e.Scores.Count > t)
                {
                    var r = e.Scores[t] - (intercept + (slope * e.Scores[0]));
                    ss += r * r;
                }
            }

            fitted.Add((intercept, slope, Math.Sqrt(ss / Math.Max(1, n - 2))));
        }

        if (fitted.Count == 0)
        {
            throw new ArgumentException($"need at least {minEpisodes} episodes with a second session to refit", nameof(episodes));
        }

        return new RegressionModel(instrument.Id, instrument.Scoring.Direction, tolerance, [.. fitted], episodes.Count);
    }

    /// <inheritdoc />
    public override ExpectedBand Band(double intake, int session)
    {
        if (session <= 1)
        {
            return new ExpectedBand(session, intake, intake, intake);
        }

        var (a, b, sd) = _bySession[Math.Min(session - 2, _bySession.Length - 1)];
        var expected = a + (b * intake);
        return new ExpectedBand(session, expected, expected - (Tolerance * sd), expected + (Tolerance * sd));
    }
}

/// <summary>
/// Nearest-neighbour expected course (Lutz et al. 2006, Clin Psychol Psychother 13(4):223-232, doi:10.1002/cpp.496):
/// the band at session t is the mean ± tolerance·SD of the session-t scores of the k practice episodes whose intake
/// scores are closest to this client's.
/// </summary>
public sealed class NearestNeighbourModel : ExpectedResponseModel
{
    private readonly EpisodeSeries[] _pool;
    private readonly double[] _intakes;
    private readonly int _k;

    /// <summary>Builds the model from a pool of practice episodes.</summary>
    public NearestNeighbourModel(Instrument instrument, IReadOnlyList<EpisodeSeries> pool, int k = 50, double tolerance = DefaultCurveModel.DefaultTolerance)
        : base(
            (instrument ?? throw new ArgumentNullException(nameof(instrument))).Id,
            instrument.Scoring.Direction,
            tolerance,
            $"Nearest neighbours (Lutz et al. 2006): k = {k} practice episodes closest in intake score")
    {
        ArgumentNullException.ThrowIfNull(pool);
        _pool = [.. pool.OrderBy(e => e.Scores[0])];
        _intakes = [.. _pool.Select(e => e.Scores[0])];
        _k = Math.Min(k, _pool.Length);
    }

    /// <inheritdoc />
    public override ExpectedBand Band(double intake, int session)
    {
        if (session <= 1 || _k == 0)
        {
            return new ExpectedBand(session, intake, intake, intake);
        }

        // Expand outward from the insertion point in the intake-sorted pool.
        var index = Array.BinarySearch(_intakes, intake);
        if (index < 0)
        {
            index = ~index;
        }

        int lo = index - 1, hi = index, taken = 0;
        double n = 0, sum = 0, sumSq = 0;
        while (taken < _k && (lo >= 0 || hi < _pool.Length))
        {
            var takeLow = hi >= _pool.Length || (lo >= 0 && intake - _intakes[lo] <= _intakes[hi] - intake);
            var episode = takeLow ? _pool[lo--] : _pool[hi++];
            taken++;
            if (episode.Scores.Count >= session)
            {
                var y = episode.Scores[session - 1];
                n++;
                sum += y;
                sumSq += y * y;
            }
        }

        if (n < 2)
        {
            return new ExpectedBand(session, intake, double.NegativeInfinity, double.PositiveInfinity);
        }

        var mean = sum / n;
        var sd = Math.Sqrt(Math.Max(0, (sumSq - (n * mean * mean)) / (n - 1)));
        return new ExpectedBand(session, mean, mean - (Tolerance * sd), mean + (Tolerance * sd));
    }
}
