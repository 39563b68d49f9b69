namespace Rapport.Clinical.Instruments;

/// <summary>The outcome of importing licensed wording into a pack.</summary>
/// <param name="Instrument">The pack with wording, when the import is valid.</param>
/// <param name="Errors">Every problem found, each naming the item.</param>
public sealed record ImportResult(Instrument? Instrument, IReadOnlyList<string> Errors)
{
    /// <summary>Whether the file matched the pack.</summary>
    public bool IsValid => Instrument is not null && Errors.Count == 0;
}

/// <summary>
/// Validates a practice's licensed Questionnaire against a pack's structure and merges the wording in. Pure: the CLI
/// reads and writes the file (<c>rapport instruments import</c>).
/// </summary>
public static class InstrumentImport
{
    /// <summary>Checks <paramref name="questionnaireJson"/> against <paramref name="pack"/> and returns the pack with wording.</summary>
    /// <remarks>
    /// The file must be a FHIR R4 Questionnaire with the pack's id (or a url ending in it), exactly the pack's scored
    /// linkIds, and non-empty text on every scored item. Answer options, when given, must match the pack's count.
    /// Scoring always comes from the pack, never from the imported file.
    /// </remarks>
    public static ImportResult Merge(Instrument pack, string questionnaireJson)
    {
        ArgumentNullException.ThrowIfNull(pack);
        ArgumentNullException.ThrowIfNull(questionnaireJson);
        Hl7.Fhir.Model.Questionnaire imported;
        try
        {
            imported = QuestionnaireReader.Parse(questionnaireJson);
        }
        catch (FormatException ex)
        {
            return new ImportResult(null, [ex.Message]);
        }

        var errors = new List<string>();
        var matchesId = string.Equals(imported.Id, pack.Id, StringComparison.OrdinalIgnoreCase)
            || (imported.Url?.EndsWith("/" + pack.Id, StringComparison.OrdinalIgnoreCase) ?? false);
        if (!matchesId)
        {
            errors.Add($"Questionnaire id '{imported.Id}' does not match pack '{pack.Id}'");
        }

        var answerable = QuestionnaireReader.AnswerableItems(imported).ToList();
        var byLinkId = new Dictionary<string, Hl7.Fhir.Model.Questionnaire.ItemComponent>(StringComparer.Ordinal);
        foreach (var item in answerable)
        {
            if (!byLinkId.TryAdd(item.LinkId ?? string.Empty, item))
            {
                errors.Add($"item {item.LinkId}: linkId appears more than once");
            }
        }

        if (answerable.Count != pack.Items.Count)
        {
            errors.Add($"expected {pack.Items.Count} items for {pack.Id}, found {answerable.Count}");
        }

        foreach (var linkId in byLinkId.Keys.Where(k => pack.IndexOf(k) < 0))
        {
            errors.Add($"item {linkId}: not an item of {pack.Id} (expected linkIds {string.Join(",", pack.Items.Select(i => i.LinkId))})");
        }

        var merged = new List<InstrumentItem>(pack.Items.Count);
        foreach (var packItem in pack.Items)
        {
            if (!byLinkId.TryGetValue(packItem.LinkId, out var item))
            {
                errors.Add($"item {packItem.LinkId}: missing from the imported file");
                continue;
            }

            if (string.IsNullOrWhiteSpace(item.Text))
            {
                errors.Add($"item {packItem.LinkId}: no wording (text) given");
            }

            if (item.AnswerOption.Count != 0 && item.AnswerOption.Count != packItem.Options.Count)
            {
                errors.Add($"item {packItem.LinkId}: {item.AnswerOption.Count} answer options, the pack scores {packItem.Options.Count}");
            }

            merged.Add(packItem with { Text = item.Text });
        }

        if (errors.Count > 0)
        {
            return new ImportResult(null, errors);
        }

        var instrument = new Instrument(pack.Id, pack.Title, pack.Kind, merged, pack.Licence, pack.Citation, imported, pack.Scoring, pack.ShortName);
        return new ImportResult(instrument, []);
    }
}
