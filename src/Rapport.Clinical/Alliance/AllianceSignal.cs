using System.Globalization;

namespace Rapport.Clinical.Alliance;

/// <summary>The alliance signals Rapport raises.</summary>
public enum AllianceSignalKind
{
    /// <summary>Below the instrument's low-alliance threshold, or the lowest the client has given.</summary>
    LowAlliance,

    /// <summary>A fall against the client's running mean of at least max(k within-client SD, reliable change).</summary>
    AllianceDrop,

    /// <summary>A drop followed by a return to baseline within the repair window (a V shape).</summary>
    RuptureRepair,

    /// <summary>A drop with no return to baseline within the repair window.</summary>
    UnrepairedRupture,

    /// <summary>Members of a couple, family or group differ by more than the reliable change in the same session.</summary>
    SplitAlliance,

    /// <summary>A sustained rise or fall over recent sessions at least as large as the reliable change.</summary>
    Trend,
}

/// <summary>
/// One alliance signal with what triggered it, the numbers, and the source it rests on, so a therapist can read why.
/// The <see cref="Detail"/> text is built on demand to keep detection allocation-light.
/// </summary>
/// <param name="Kind">What was detected.</param>
/// <param name="Session">Session at which it is raised.</param>
/// <param name="Score">The client's total at that session.</param>
/// <param name="Baseline">Running mean of earlier sessions (or the pre-drop baseline for repairs), when used.</param>
/// <param name="WithinClientSd">Within-client SD of earlier sessions, when used.</param>
/// <param name="Threshold">The threshold that was crossed.</param>
/// <param name="Trigger">Short machine-readable trigger (e.g. <c>instrument_threshold</c>, <c>1sd</c>, <c>2sd</c>).</param>
/// <param name="Source">The paper or rule the signal rests on.</param>
/// <param name="RelatedSession">The drop session a repair or unrepaired rupture refers to, or the other member for a split.</param>
/// <param name="Other">Free numeric context: the 2-SD threshold for drops, the other member's score for splits, the slope for trends.</param>
/// <param name="Member">The other member's id for split alliance.</param>
public sealed record AllianceSignal(
    AllianceSignalKind Kind,
    int Session,
    double Score,
    double? Baseline,
    double? WithinClientSd,
    double? Threshold,
    string Trigger,
    string Source,
    int? RelatedSession = null,
    double? Other = null,
    string? Member = null)
{
    /// <summary>The CLI and CSV name (<c>low_alliance</c>, <c>alliance_drop</c>, …).</summary>
    public string Name => NameOf(Kind);

    /// <summary>The CLI and CSV name of a kind.</summary>
    public static string NameOf(AllianceSignalKind kind) => kind switch
    {
        AllianceSignalKind.LowAlliance => "low_alliance",
        AllianceSignalKind.AllianceDrop => "alliance_drop",
        AllianceSignalKind.RuptureRepair => "rupture_repair",
        AllianceSignalKind.UnrepairedRupture => "unrepaired_rupture",
        AllianceSignalKind.SplitAlliance => "split_alliance",
        AllianceSignalKind.Trend => "trend",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>A sentence a therapist can read: what happened, the numbers, and the source.</summary>
    public string Detail => Kind switch
    {
        AllianceSignalKind.LowAlliance when Trigger == "instrument_threshold" =>
            F($"score {Score} is below the instrument's low-alliance threshold {Threshold}; source: {Source}"),
        AllianceSignalKind.LowAlliance =>
            F($"score {Score} is the lowest this client has given (earlier mean {Baseline}, SD {WithinClientSd}); source: {Source}"),
        AllianceSignalKind.AllianceDrop =>
            F($"score {Score} fell {Baseline - Score} below the running mean {Baseline} (within-client SD {WithinClientSd}); 1-SD threshold {Threshold} met; 2-SD threshold {Other} {(Trigger == "2sd" ? "met" : "not met")}; source: {Source}"),
        AllianceSignalKind.RuptureRepair =>
            F($"score {Score} returned to the pre-drop baseline {Baseline} after the drop at session {RelatedSession} (return threshold {Threshold}); source: {Source}"),
        AllianceSignalKind.UnrepairedRupture =>
            F($"no return to the pre-drop baseline {Baseline} (return threshold {Threshold}) within the repair window after the drop at session {RelatedSession}; latest score {Score}; source: {Source}"),
        AllianceSignalKind.SplitAlliance =>
            F($"score {Score} differs from member {Member}'s {Other} by {Math.Abs(Score - (Other ?? Score))}, more than the reliable change {Threshold}; source: {Source}"),
        AllianceSignalKind.Trend =>
            F($"{Trigger} trend of {Other} points per session over recent sessions, fitted change at least {Threshold}; source: {Source}"),
        _ => Trigger,
    };

    private static string F(FormattableString text) => text.ToString(NumberFormat.Instance);

    private sealed class NumberFormat : IFormatProvider, ICustomFormatter
    {
        internal static readonly NumberFormat Instance = new();

        public object? GetFormat(Type? formatType) => formatType == typeof(ICustomFormatter) ? this : null;

        public string Format(string? format, object? arg, IFormatProvider? formatProvider) => arg switch
        {
            double d => Math.Round(d, 2).ToString("0.##", CultureInfo.InvariantCulture),
            IFormattable f => f.ToString(format, CultureInfo.InvariantCulture),
            null => "n/a",
            _ => arg.ToString() ?? string.Empty,
        };
    }
}
