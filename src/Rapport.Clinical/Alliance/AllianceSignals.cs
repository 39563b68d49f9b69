using Rapport.Clinical.Instruments;

namespace Rapport.Clinical.Alliance;

/// <summary>One alliance total for one session.</summary>
public readonly record struct AlliancePoint(int Session, double Total);

/// <summary>Which drop threshold marks a rupture.</summary>
public enum DropVariant
{
    /// <summary>Fall of at least max(1 within-client SD, reliable change): the looser criterion (Strauss et al. 2006 style).</summary>
    OneSd,

    /// <summary>Fall of at least max(2 within-client SD, reliable change): the stricter criterion (Stiles et al. 2004 style).</summary>
    TwoSd,
}

/// <summary>Settings for alliance signal detection. Defaults are documented in docs/clinical/alliance-*.md.</summary>
public sealed record AllianceSignalOptions
{
    /// <summary>Default options.</summary>
    public static AllianceSignalOptions Default { get; } = new();

    /// <summary>Overrides the instrument's low-alliance threshold (e.g. a practice's SRS cut-off).</summary>
    public double? LowAllianceThreshold { get; init; }

    /// <summary>Overrides the instrument's reliable change.</summary>
    public double? ReliableChange { get; init; }

    /// <summary>Earlier sessions needed before a drop can be judged against the client's own history.</summary>
    public int MinPriorSessions { get; init; } = 3;

    /// <summary>Sessions after a drop within which a return to baseline counts as repair (1-3).</summary>
    public int RepairWindow { get; init; } = 3;

    /// <summary>Smallest fall that can ever count as a drop, so a flat series (SD 0) is not alarmed by noise.</summary>
    public double MinimumDrop { get; init; } = 1;

    /// <summary>Which drop threshold starts a rupture (default the stricter 2-SD variant: higher precision in validation.md).</summary>
    public DropVariant RuptureVariant { get; init; } = DropVariant.TwoSd;

    /// <summary>Sessions in the trend window.</summary>
    public int TrendWindow { get; init; } = 6;
}

/// <summary>
/// Alliance signals for one client's series of per-session alliance totals: low alliance, drop (1-SD and 2-SD
/// variants), rupture–repair, unrepaired rupture and trend; and split alliance across members of one episode.
/// Rupture markers follow the V-shape operationalisation (Stiles et al. 2004; Strauss et al. 2006), which the authors
/// called preliminary; thresholds combine the within-client SD with the instrument's reliable change.
/// </summary>
public static class AllianceSignals
{
    internal const string DropSource =
        "V-shaped rupture markers in per-session alliance ratings (Stiles et al. 2004, J Couns Psychol 51(1):81-92; Strauss et al. 2006): fall below the running mean by at least max(k within-client SD, reliable change)";

    internal const string RepairSource =
        "Rupture–repair sequence: drop then return to baseline within 1-3 sessions (Stiles et al. 2004; Eubanks, Muran & Safran 2018)";

    internal const string UnrepairedSource =
        "Unrepaired ruptures predicted worse outcome (McLaughlin et al. 2014, J Consult Clin Psychol 82(1):112-121)";

    internal const string OwnHistorySource = "Rapport heuristic: lower than every earlier score of this client";

    internal const string SplitSource =
        "Split alliance in conjoint therapy (Friedlander, Escudero & Heatherington 2006): members differ by more than the reliable change";

    internal const string TrendSource = "Linear alliance trends over sessions (Stevens et al. 2007); Rapport rule: fitted change ≥ reliable change";

    /// <summary>Every signal over the whole series, in session order.</summary>
    public static IReadOnlyList<AllianceSignal> Detect(Instrument instrument, ReadOnlySpan<AlliancePoint> series, AllianceSignalOptions? options = null)
    {
        var signals = new List<AllianceSignal>();
        Run(instrument, series, options ?? AllianceSignalOptions.Default, 0, signals);
        return signals;
    }

    /// <summary>Only the signals raised at the latest session: the check-in path (allocation-light).</summary>
    public static IReadOnlyList<AllianceSignal> DetectLatest(Instrument instrument, ReadOnlySpan<AlliancePoint> series, AllianceSignalOptions? options = null)
    {
        if (series.IsEmpty)
        {
            return [];
        }

        var signals = new List<AllianceSignal>(2);
        Run(instrument, series, options ?? AllianceSignalOptions.Default, series.Length - 1, signals);
        return signals;
    }

    /// <summary>
    /// Split alliance for one session of a couple, family or group: each pair of members whose totals differ by more
    /// than the reliable change. Not judged when the instrument has no reliable change and none is given.
    /// </summary>
    public static IReadOnlyList<AllianceSignal> DetectSplit(
        Instrument instrument, int session, IReadOnlyList<(string Member, double Total)> members, AllianceSignalOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        ArgumentNullException.ThrowIfNull(members);
        var rc = (options ?? AllianceSignalOptions.Default).ReliableChange ?? instrument.Scoring.ReliableChange?.Threshold;
        if (rc is not { } threshold || members.Count < 2)
        {
            return [];
        }

        var lowest = 0;
        var highest = 0;
        for (var i = 1; i < members.Count; i++)
        {
            if (members[i].Total < members[lowest].Total)
            {
                lowest = i;
            }

            if (members[i].Total > members[highest].Total)
            {
                highest = i;
            }
        }

        if (members[highest].Total - members[lowest].Total <= threshold)
        {
            return [];
        }

        // Raise it on the lowest-scoring member: that is whose alliance the therapist needs to attend to.
        return
        [
            new AllianceSignal(
                AllianceSignalKind.SplitAlliance, session, members[lowest].Total, null, null, threshold, "split", SplitSource,
                Other: members[highest].Total, Member: members[highest].Member),
        ];
    }

    private static void Run(Instrument instrument, ReadOnlySpan<AlliancePoint> series, AllianceSignalOptions options, int emitFrom, List<AllianceSignal> output)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        var rc = options.ReliableChange ?? instrument.Scoring.ReliableChange?.Threshold ?? 0;
        var low = options.LowAllianceThreshold ?? instrument.Scoring.LowAlliance?.Below;
        var lowSource = options.LowAllianceThreshold is not null ? "practice setting" : instrument.Scoring.LowAlliance?.Source ?? string.Empty;

        // Welford running mean and variance of earlier sessions.
        double mean = 0, m2 = 0, min = double.MaxValue;
        var n = 0;

        // An open rupture: its drop index, pre-drop baseline and return threshold.
        var openDrop = -1;
        double openBaseline = 0, openReturn = 0;

        for (var i = 0; i < series.Length; i++)
        {
            var x = series[i].Total;
            var session = series[i].Session;
            var emit = i >= emitFrom;

            if (low is { } lowThreshold && x < lowThreshold)
            {
                if (emit)
                {
                    output.Add(new AllianceSignal(AllianceSignalKind.LowAlliance, session, x, null, null, lowThreshold, "instrument_threshold", lowSource));
                }
            }
            else if (n > options.MinPriorSessions && x < min && mean - x >= Math.Max(options.MinimumDrop, rc))
            {
                if (emit)
                {
                    output.Add(new AllianceSignal(AllianceSignalKind.LowAlliance, session, x, mean, Sd(m2, n), null, "own_history", OwnHistorySource));
                }
            }

            var isRuptureDrop = false;
            if (n >= options.MinPriorSessions)
            {
                var sd = Sd(m2, n);
                var one = Math.Max(Math.Max(sd, rc), options.MinimumDrop);
                var two = Math.Max(Math.Max(2 * sd, rc), options.MinimumDrop);
                var fall = mean - x;
                if (fall >= one)
                {
                    var strict = fall >= two;
                    if (emit)
                    {
                        output.Add(new AllianceSignal(AllianceSignalKind.AllianceDrop, session, x, mean, sd, one, strict ? "2sd" : "1sd", DropSource, Other: two));
                    }

                    isRuptureDrop = options.RuptureVariant == DropVariant.OneSd || strict;
                    if (isRuptureDrop && openDrop < 0)
                    {
                        openDrop = i;
                        openBaseline = mean;
                        // Back to baseline: within half the drop threshold of the pre-drop mean.
                        openReturn = mean - ((options.RuptureVariant == DropVariant.OneSd ? one : two) / 2);
                    }
                }
            }

            if (openDrop >= 0 && i > openDrop && !isRuptureDrop)
            {
                if (x >= openReturn)
                {
                    if (emit)
                    {
                        output.Add(new AllianceSignal(AllianceSignalKind.RuptureRepair, session, x, openBaseline, null, openReturn, "returned", RepairSource, RelatedSession: series[openDrop].Session));
                    }

                    openDrop = -1;
                }
                else if (i - openDrop >= options.RepairWindow)
                {
                    if (emit)
                    {
                        output.Add(new AllianceSignal(AllianceSignalKind.UnrepairedRupture, session, x, openBaseline, null, openReturn, "no_return", UnrepairedSource, RelatedSession: series[openDrop].Session));
                    }

                    openDrop = -1;
                }
            }
            else if (openDrop >= 0 && i > openDrop && i - openDrop >= options.RepairWindow)
            {
                if (emit)
                {
                    output.Add(new AllianceSignal(AllianceSignalKind.UnrepairedRupture, session, x, openBaseline, null, openReturn, "no_return", UnrepairedSource, RelatedSession: series[openDrop].Session));
                }

                openDrop = -1;
            }

            if (emit && i + 1 >= Math.Min(4, options.TrendWindow))
            {
                AddTrend(series, i, options, rc, m2, n, output);
            }

            n++;
            var delta = x - mean;
            mean += delta / n;
            m2 += delta * (x - mean);
            min = Math.Min(min, x);
        }
    }

    private static void AddTrend(ReadOnlySpan<AlliancePoint> series, int last, AllianceSignalOptions options, double rc, double m2, int n, List<AllianceSignal> output)
    {
        var start = Math.Max(0, last - options.TrendWindow + 1);
        var count = last - start + 1;
        if (count < 4)
        {
            return;
        }

        double sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (var j = start; j <= last; j++)
        {
            double t = series[j].Session;
            sx += t;
            sy += series[j].Total;
            sxx += t * t;
            sxy += t * series[j].Total;
        }

        var denominator = (count * sxx) - (sx * sx);
        if (denominator <= 0)
        {
            return;
        }

        var slope = ((count * sxy) - (sx * sy)) / denominator;
        var fitted = slope * (series[last].Session - series[start].Session);
        var threshold = Math.Max(Math.Max(rc, 2 * Sd(m2, n)), options.MinimumDrop);
        if (Math.Abs(fitted) >= threshold)
        {
            output.Add(new AllianceSignal(
                AllianceSignalKind.Trend, series[last].Session, series[last].Total, null, null, threshold, slope < 0 ? "falling" : "rising", TrendSource, Other: Math.Round(slope, 2)));
        }
    }

    private static double Sd(double m2, int n) => n > 1 ? Math.Sqrt(m2 / (n - 1)) : 0;
}
