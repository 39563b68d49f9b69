using Hl7.Fhir.Model;

namespace Rapport.Clinical.Instruments;

/// <summary>
/// A measurement instrument: its FHIR R4 <see cref="Questionnaire"/> (the wording, with LOINC codes where they exist)
/// together with our own <see cref="ScoringDefinition"/>. Instances come only from <see cref="InstrumentCatalog"/> or
/// <see cref="InstrumentImport"/>, so no caller can build a PHQ-9 without its item-9 risk rule.
/// </summary>
public sealed class Instrument
{
    private readonly Dictionary<string, int> _indexByLinkId;

    internal Instrument(
        string id,
        string title,
        InstrumentKind kind,
        IReadOnlyList<InstrumentItem> items,
        InstrumentLicence licence,
        string citation,
        Questionnaire questionnaire,
        ScoringDefinition scoring,
        string shortName,
        string? variantNote = null)
    {
        Id = id;
        Title = title;
        ShortName = shortName;
        Kind = kind;
        Items = items;
        Licence = licence;
        Citation = citation;
        Questionnaire = questionnaire;
        Scoring = scoring;
        VariantNote = variantNote;
        _indexByLinkId = new Dictionary<string, int>(items.Count, StringComparer.Ordinal);
        for (var i = 0; i < items.Count; i++)
        {
            _indexByLinkId.Add(items[i].LinkId, i);
        }
    }

    /// <summary>Stable id used by the API and the CLI (<c>phq-9</c>, <c>gad-7</c>, …).</summary>
    public string Id { get; }

    /// <summary>Display title.</summary>
    public string Title { get; }

    /// <summary>
    /// The name clinicians use for it in a sentence or a table heading (<c>PHQ-9</c>, <c>Session Check</c>): the one
    /// place every page, the dashboard and the charts take an instrument's name from.
    /// </summary>
    public string ShortName { get; }

    /// <summary>Outcome, alliance or preferences.</summary>
    public InstrumentKind Kind { get; }

    /// <summary>Scored items in administration order.</summary>
    public IReadOnlyList<InstrumentItem> Items { get; }

    /// <summary>Licence status and statement.</summary>
    public InstrumentLicence Licence { get; }

    /// <summary>Primary citation.</summary>
    public string Citation { get; }

    /// <summary>The FHIR R4 Questionnaire, parsed with the Firely SDK.</summary>
    public Questionnaire Questionnaire { get; }

    /// <summary>How totals, subscales, bands, caseness, reliable change, risk and missing items are handled.</summary>
    public ScoringDefinition Scoring { get; }

    /// <summary>Set when this is an explicitly chosen variant (e.g. PHQ-8 instead of PHQ-9) and why.</summary>
    public string? VariantNote { get; }

    /// <summary>Every scored item has wording, so the instrument can be shown to a client.</summary>
    public bool HasWording => Items.All(i => !string.IsNullOrWhiteSpace(i.Text));

    /// <summary>
    /// Whether the instrument may be used at all. A licence-gated pack is unusable until a licensed practice
    /// imports its wording; an open instrument is always usable for scoring.
    /// </summary>
    public bool IsUsable => Licence.Status == LicenceStatus.Open || HasWording;

    /// <summary>Why <see cref="IsUsable"/> is false, in words a practice can act on; <c>null</c> when usable.</summary>
    public string? UnusableReason => IsUsable
        ? null
        : $"{Id} is a licence-gated instrument pack: Rapport ships its structure and scoring but not its wording. " +
          $"A practice that holds a licence imports the wording with `rapport instruments import <file>`.";

    /// <summary>Position of an item by linkId, or −1.</summary>
    public int IndexOf(string linkId) => _indexByLinkId.TryGetValue(linkId, out var i) ? i : -1;

    internal int IndexOf(ReadOnlySpan<char> linkId) =>
        _indexByLinkId.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(linkId, out var i) ? i : -1;

    /// <inheritdoc />
    public override string ToString() => Id;
}
