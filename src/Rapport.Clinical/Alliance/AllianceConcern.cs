using System.Globalization;
using Rapport.Clinical.Instruments;

namespace Rapport.Clinical.Alliance;

/// <summary>
/// Which alliance signal a therapist should act on now: one line per client, the same on the dashboard, the episode
/// view, the client page and (later) FHIR Flags and insights. The ranking and its sources are in
/// docs/clinical/alliance-signals.md:
/// <list type="number">
/// <item>a fresh <see cref="AllianceSignalKind.AllianceDrop"/>: a possible rupture whose repair window (1-3 sessions) is
/// open now, the moment it can still be addressed (Stiles et al. 2004; Eubanks, Muran &amp; Safran 2018);</item>
/// <item>an <see cref="AllianceSignalKind.UnrepairedRupture"/>: unrepaired ruptures predicted worse outcome
/// (McLaughlin et al. 2014, J Consult Clin Psychol 82(1):112-121);</item>
/// <item><see cref="AllianceSignalKind.LowAlliance"/>: below the instrument's threshold or the lowest yet;</item>
/// <item>a falling <see cref="AllianceSignalKind.Trend"/>: the weakest evidence (Stevens et al. 2007 found trends common
/// and not predictive).</item>
/// </list>
/// A repaired rupture (<see cref="AllianceSignalKind.RuptureRepair"/>) and a rising trend are good news, never a concern;
/// a split alliance is judged across members (<see cref="AllianceSignals.DetectSplit"/>), not here.
/// </summary>
public static class AllianceConcern
{
    /// <summary>The rank of a signal as a concern (0 = most urgent), or <c>null</c> when it is not a concern.</summary>
    public static int? Rank(AllianceSignal signal)
    {
        ArgumentNullException.ThrowIfNull(signal);
        return signal.Kind switch
        {
            AllianceSignalKind.AllianceDrop => 0,
            AllianceSignalKind.UnrepairedRupture => 1,
            AllianceSignalKind.LowAlliance => 2,
            AllianceSignalKind.Trend when signal.Trigger == "falling" => 3,
            _ => null,
        };
    }

    /// <summary>The most telling concern among the signals raised at the latest session, or <c>null</c> when none is a concern.</summary>
    public static AllianceSignal? MostTelling(IEnumerable<AllianceSignal> latest)
    {
        ArgumentNullException.ThrowIfNull(latest);
        AllianceSignal? best = null;
        var bestRank = int.MaxValue;
        foreach (var signal in latest)
        {
            if (Rank(signal) is { } rank && rank < bestRank)
            {
                (best, bestRank) = (signal, rank);
            }
        }

        return best;
    }

    /// <summary>The concern now for one client's series of per-session alliance totals (index = nth check-in), or <c>null</c>.</summary>
    public static AllianceSignal? Now(Instrument instrument, ReadOnlySpan<AlliancePoint> series, AllianceSignalOptions? options = null) =>
        series.IsEmpty ? null : MostTelling(AllianceSignals.DetectLatest(instrument, series, options));

    /// <summary>The concern in a therapist's words and numbers; <paramref name="signal"/> must be a concern (<see cref="Rank"/> not null).</summary>
    public static string Text(AllianceSignal signal)
    {
        ArgumentNullException.ThrowIfNull(signal);
        return signal.Kind switch
        {
            AllianceSignalKind.AllianceDrop => F($"Alliance dropped from {Math.Round(signal.Baseline ?? 0, 1)} to {signal.Score} at session {signal.Session} ({(signal.Trigger == "2sd" ? "more than 2 SD" : "more than 1 SD")} and the reliable change)"),
            AllianceSignalKind.UnrepairedRupture => F($"Unrepaired rupture: alliance {signal.Score} at session {signal.Session}, still below the earlier level {Math.Round(signal.Baseline ?? 0, 1)} since session {signal.RelatedSession}"),
            AllianceSignalKind.LowAlliance when signal.Trigger == "instrument_threshold" => F($"Low alliance: {signal.Score} at session {signal.Session}, below the threshold {signal.Threshold}"),
            AllianceSignalKind.LowAlliance => F($"Lowest alliance yet: {signal.Score} at session {signal.Session} (earlier mean {Math.Round(signal.Baseline ?? 0, 1)})"),
            AllianceSignalKind.Trend when signal.Trigger == "falling" => F($"Alliance falling over recent sessions: now {signal.Score} at session {signal.Session}"),
            _ => throw new ArgumentException($"{signal.Name} is not an alliance concern", nameof(signal)),
        };
    }

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
