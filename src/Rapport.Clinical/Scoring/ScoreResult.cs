using Rapport.Clinical.Instruments;

namespace Rapport.Clinical.Scoring;

/// <summary>Kinds of alert a score can carry.</summary>
public static class AlertKinds
{
    /// <summary>A risk item was answered at or above its trigger (PHQ-9 item 9 ≥ 1).</summary>
    public const string Risk = "risk";

    /// <summary>A risk item was left unanswered: risk is unknown, not absent.</summary>
    public const string RiskItemUnanswered = "risk_item_unanswered";

    /// <summary>The practice explicitly chose a variant without the risk item (PHQ-8).</summary>
    public const string RiskItemOmitted = "risk_item_omitted";
}

/// <summary>An alert raised by an answer, with the rule and source it rests on.</summary>
/// <param name="Kind">One of <see cref="AlertKinds"/>.</param>
/// <param name="Item">The item linkId (empty for instrument-wide alerts).</param>
/// <param name="Value">The answer that triggered it, when there is one.</param>
/// <param name="Reason">What the therapist should know.</param>
/// <param name="Source">The convention or paper.</param>
public sealed record ScoreAlert(string Kind, string Item, int? Value, string Reason, string Source);

/// <summary>A scored response.</summary>
/// <param name="InstrumentId">The instrument.</param>
/// <param name="Total">Total (prorated when <see cref="Prorated"/>), or <c>null</c> when incomplete or the instrument has no total.</param>
/// <param name="Severity">Severity band label, when the instrument has bands and the total is known.</param>
/// <param name="Subscales">Subscale sums by id; a subscale with a missing item is <c>null</c>.</param>
/// <param name="Complete">Whether a total (or, without a total, every scale) could be reported.</param>
/// <param name="IncompleteReason">Why not, naming the missing items and the rule.</param>
/// <param name="Prorated">The total was prorated under the instrument's own rule.</param>
/// <param name="Alerts">Risk alerts. Never suppressed by configuration.</param>
public sealed record ScoreResult(
    string InstrumentId,
    int? Total,
    string? Severity,
    IReadOnlyDictionary<string, int?> Subscales,
    bool Complete,
    string? IncompleteReason,
    bool Prorated,
    IReadOnlyList<ScoreAlert> Alerts)
{
    /// <summary>Whether the total is at caseness for the instrument, when both are known.</summary>
    public bool? IsCase(Instrument instrument)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        return Total is { } t && instrument.Scoring.Caseness is { } c ? c.IsCase(t) : null;
    }
}

/// <summary>Why an answer set was rejected.</summary>
public enum ScoreErrorKind
{
    /// <summary>An answer names an item the instrument does not have.</summary>
    UnknownItem,

    /// <summary>An answer is outside the item's allowed range.</summary>
    OutOfRange,

    /// <summary>The same item was answered twice.</summary>
    DuplicateAnswer,

    /// <summary>The number of answers does not match the instrument's items.</summary>
    WrongCount,

    /// <summary>The instrument cannot be used (a pack without wording).</summary>
    InstrumentUnavailable,
}

/// <summary>A precise validation error: what, which item, and what is allowed.</summary>
public sealed record ScoreError(ScoreErrorKind Kind, string? Item, string Message);

/// <summary>Either a <see cref="ScoreResult"/> or the validation errors that prevented scoring.</summary>
public sealed record ScoreOutcome(ScoreResult? Result, IReadOnlyList<ScoreError> Errors)
{
    /// <summary>Whether scoring succeeded.</summary>
    public bool IsValid => Result is not null;

    internal static ScoreOutcome Fail(ScoreError error) => new(null, [error]);

    internal static ScoreOutcome Fail(List<ScoreError> errors) => new(null, errors);
}
