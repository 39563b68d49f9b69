using System.Globalization;
using Rapport.Clinical.Instruments;

namespace Rapport.Clinical.Scoring;

/// <summary>
/// Scores one response to an instrument: total, subscales, severity band, the instrument's own missing-item rule, and
/// risk alerts. Validation is precise (unknown item, out-of-range answer, duplicate answer) and never partial: a
/// response with any error is not scored.
/// </summary>
public static class ScoreResponse
{
    /// <summary>Scores answers keyed by item linkId. A missing key or a <c>null</c> value is an unanswered item.</summary>
    public static ScoreOutcome Score(Instrument instrument, IReadOnlyDictionary<string, int?> answers) =>
        // A dictionary cannot answer an item twice, so the pairs overload's duplicate check never fires here.
        Score(instrument, (IEnumerable<KeyValuePair<string, int?>>)answers);

    /// <summary>Scores (linkId, answer) pairs, rejecting any item answered twice.</summary>
    public static ScoreOutcome Score(Instrument instrument, IEnumerable<KeyValuePair<string, int?>> answers)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        ArgumentNullException.ThrowIfNull(answers);
        if (!instrument.IsUsable)
        {
            return ScoreOutcome.Fail(new ScoreError(ScoreErrorKind.InstrumentUnavailable, null, instrument.UnusableReason!));
        }

        var values = new int?[instrument.Items.Count];
        var seen = new bool[instrument.Items.Count];
        var errors = new List<ScoreError>();
        foreach (var (linkId, value) in answers)
        {
            var index = instrument.IndexOf(linkId);
            if (index < 0)
            {
                errors.Add(UnknownItem(instrument, linkId));
                continue;
            }

            if (seen[index])
            {
                errors.Add(new ScoreError(ScoreErrorKind.DuplicateAnswer, linkId, $"item {linkId}: answered more than once"));
                continue;
            }

            seen[index] = true;
            values[index] = value;
        }

        return errors.Count > 0 ? ScoreOutcome.Fail(errors) : ScoreInOrder(instrument, values);
    }

    /// <summary>Scores answers given in item order (<c>null</c> = unanswered). The fast path used by check-ins and the CLI.</summary>
    public static ScoreOutcome ScoreInOrder(Instrument instrument, ReadOnlySpan<int?> values)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        var scoring = instrument.Scoring;
        var items = instrument.Items;
        if (!instrument.IsUsable)
        {
            return ScoreOutcome.Fail(new ScoreError(ScoreErrorKind.InstrumentUnavailable, null, instrument.UnusableReason!));
        }

        if (values.Length != items.Count)
        {
            return ScoreOutcome.Fail(new ScoreError(
                ScoreErrorKind.WrongCount,
                null,
                $"{instrument.Id} has {items.Count} items ({Describe(items)}), got {values.Length} answers"));
        }

        List<ScoreError>? errors = null;
        var sum = 0;
        var answered = 0;
        for (var i = 0; i < values.Length; i++)
        {
            if (values[i] is not { } v)
            {
                continue;
            }

            if (v < scoring.ItemMin || v > scoring.ItemMax)
            {
                (errors ??= []).Add(new ScoreError(
                    ScoreErrorKind.OutOfRange,
                    items[i].LinkId,
                    $"item {items[i].LinkId}: {v} is out of range; allowed {scoring.ItemMin} to {scoring.ItemMax}"));
                continue;
            }

            sum += Weight(items[i], v, scoring);
            answered++;
        }

        if (errors is not null)
        {
            return ScoreOutcome.Fail(errors);
        }

        var alerts = RiskAlerts(instrument, values);
        var subscales = Subscales(instrument, values);
        var missing = items.Count - answered;

        int? total = null;
        var prorated = false;
        string? incompleteReason = null;
        bool complete;
        if (!scoring.HasTotal)
        {
            complete = missing == 0;
            if (!complete)
            {
                incompleteReason = $"{MissingList(items, values)} not answered; {scoring.Missing.Description}";
            }
        }
        else if (missing == 0)
        {
            total = sum;
            complete = true;
        }
        else if (missing <= scoring.Missing.MaxProratedItems && answered > 0)
        {
            // Prorate as mean of answered items × item count, rounded half up: only where the instrument allows it.
            total = (int)Math.Floor(((double)sum * items.Count / answered) + 0.5);
            prorated = true;
            complete = true;
        }
        else
        {
            complete = false;
            incompleteReason = $"{MissingList(items, values)} not answered; {scoring.Missing.Description} ({scoring.Missing.Source})";
        }

        var severity = total is { } t ? Band(scoring, t) : null;
        var result = new ScoreResult(instrument.Id, total, severity, subscales, complete, incompleteReason, prorated, alerts);
        return new ScoreOutcome(result, []);
    }

    /// <summary>The severity band label for a total, or <c>null</c> when the instrument has no bands.</summary>
    public static string? Band(ScoringDefinition scoring, int total)
    {
        ArgumentNullException.ThrowIfNull(scoring);
        return scoring.BandFor(total);
    }

    private static int Weight(InstrumentItem item, int value, ScoringDefinition scoring) =>
        item.ReverseKeyed ? scoring.ItemMin + scoring.ItemMax - value : value;

    private static IReadOnlyList<ScoreAlert> RiskAlerts(Instrument instrument, ReadOnlySpan<int?> values)
    {
        var rules = instrument.Scoring.RiskRules;
        if (rules.Count == 0)
        {
            return instrument.VariantNote is { } note
                ? [new ScoreAlert(AlertKinds.RiskItemOmitted, string.Empty, null, note, "Practice choice recorded with the instrument")]
                : [];
        }

        List<ScoreAlert>? alerts = null;
        foreach (var rule in rules)
        {
            var index = instrument.IndexOf(rule.LinkId);
            var value = values[index];
            if (value is null)
            {
                (alerts ??= []).Add(new ScoreAlert(
                    AlertKinds.RiskItemUnanswered,
                    rule.LinkId,
                    null,
                    $"Item {rule.LinkId} was not answered: risk is unknown, not absent. Ask the client directly.",
                    rule.Source));
            }
            else if (value >= rule.TriggerAtOrAbove)
            {
                (alerts ??= []).Add(new ScoreAlert(AlertKinds.Risk, rule.LinkId, value, rule.Reason, rule.Source));
            }
        }

        return alerts is null ? [] : alerts;
    }

    private static IReadOnlyDictionary<string, int?> Subscales(Instrument instrument, ReadOnlySpan<int?> values)
    {
        var subscales = instrument.Scoring.Subscales;
        if (subscales.Count == 0)
        {
            return EmptySubscales;
        }

        var result = new Dictionary<string, int?>(subscales.Count, StringComparer.Ordinal);
        foreach (var subscale in subscales)
        {
            int? sum = 0;
            foreach (var linkId in subscale.LinkIds)
            {
                var index = instrument.IndexOf(linkId);
                sum = values[index] is { } v ? sum + Weight(instrument.Items[index], v, instrument.Scoring) : null;
                if (sum is null)
                {
                    break;
                }
            }

            result[subscale.Id] = sum;
        }

        return result;
    }

    private static readonly IReadOnlyDictionary<string, int?> EmptySubscales = new Dictionary<string, int?>();

    private static ScoreError UnknownItem(Instrument instrument, string linkId) =>
        new(ScoreErrorKind.UnknownItem, linkId, $"item {linkId}: not an item of {instrument.Id} (items {Describe(instrument.Items)})");

    private static string Describe(IReadOnlyList<InstrumentItem> items) =>
        items.Count > 0 ? $"{items[0].LinkId}..{items[^1].LinkId}" : "none";

    private static string MissingList(IReadOnlyList<InstrumentItem> items, ReadOnlySpan<int?> values)
    {
        var missing = new List<string>();
        for (var i = 0; i < values.Length; i++)
        {
            if (values[i] is null)
            {
                missing.Add(items[i].LinkId);
            }
        }

        return missing.Count == 1
            ? string.Create(CultureInfo.InvariantCulture, $"item {missing[0]}")
            : $"items {string.Join(", ", missing)}";
    }
}
