using Hl7.Fhir.Model;

namespace Rapport.Clinical.Instruments;

/// <summary>
/// The instruments Rapport knows: four bundled (PHQ-9, GAD-7, C-NIP, Rapport Session Check) and four licence-gated
/// packs (WAI-SR, SRS, ORS, SAI) that carry structure and scoring but no wording.
/// </summary>
public static class InstrumentCatalog
{
    /// <summary>Id of the PHQ-9.</summary>
    public const string Phq9Id = "phq-9";

    /// <summary>Id of the GAD-7.</summary>
    public const string Gad7Id = "gad-7";

    /// <summary>Id of the C-NIP.</summary>
    public const string CNipId = "c-nip";

    /// <summary>Id of Rapport's own per-session alliance check.</summary>
    public const string SessionCheckId = "rapport-session-check";

    /// <summary>Id of the PHQ-8 variant, available only through <see cref="Phq8(Phq8PracticeChoice)"/>.</summary>
    public const string Phq8Id = "phq-8";

    private static readonly Lazy<Catalog> Loaded = new(Load);

    /// <summary>Bundled instruments whose wording ships with Rapport.</summary>
    public static IReadOnlyList<Instrument> Bundled => Loaded.Value.Bundled;

    /// <summary>Licence-gated packs (structure and scoring only).</summary>
    public static IReadOnlyList<Instrument> Packs => Loaded.Value.Packs;

    /// <summary>Bundled instruments followed by packs.</summary>
    public static IReadOnlyList<Instrument> All => Loaded.Value.All;

    /// <summary>The instrument with this id.</summary>
    /// <exception cref="KeyNotFoundException">No such instrument; the message lists the known ids.</exception>
    public static Instrument Get(string id) =>
        TryGet(id, out var instrument)
            ? instrument
            : throw new KeyNotFoundException($"unknown instrument '{id}'; known: {string.Join(", ", All.Select(i => i.Id))}");

    /// <summary>The <see cref="Instrument.ShortName"/> of a stored instrument id; the id itself for one no longer known.</summary>
    public static string ShortNameOf(string id) => TryGet(id, out var instrument) ? instrument.ShortName : id;

    /// <summary>Looks an instrument up by id (ordinal, case-insensitive).</summary>
    public static bool TryGet(string id, out Instrument instrument)
    {
        ArgumentNullException.ThrowIfNull(id);
        return Loaded.Value.ById.TryGetValue(id, out instrument!);
    }

    /// <summary>
    /// The PHQ-8 (PHQ-9 without item 9). Not part of <see cref="Bundled"/>: dropping the item-9 risk screen is a
    /// practice decision that has to be named, with who made it and why (Kroenke et al. 2009). Every PHQ-8 score
    /// carries a <c>risk_item_omitted</c> alert so the omission stays visible to the therapist.
    /// </summary>
    public static Instrument Phq8(Phq8PracticeChoice choice)
    {
        ArgumentNullException.ThrowIfNull(choice);
        var phq9 = Get(Phq9Id);
        var questionnaire = (Questionnaire)phq9.Questionnaire.DeepCopy();
        questionnaire.Id = Phq8Id;
        questionnaire.Url = (questionnaire.Url ?? string.Empty).Replace(Phq9Id, Phq8Id, StringComparison.Ordinal);
        questionnaire.Name = "PHQ_8";
        questionnaire.Title = "Patient Health Questionnaire-8 (PHQ-8), chosen by the practice instead of the PHQ-9";
        questionnaire.Item.RemoveAll(i => i.LinkId == "9");
        var items = phq9.Items.Where(i => i.LinkId != "9").ToArray();
        return new Instrument(
            Phq8Id,
            "Patient Health Questionnaire-8 (PHQ-8)",
            InstrumentKind.Outcome,
            items,
            phq9.Licence,
            "Kroenke K, Strine TW, Spitzer RL, et al. The PHQ-8 as a measure of current depression in the general population. J Affect Disord 2009;114:163-173.",
            questionnaire,
            InstrumentDefinitions.Phq8,
            "PHQ-8",
            $"PHQ-8 used instead of PHQ-9 by explicit practice choice ({choice.DecidedBy}, {choice.DecidedOn:yyyy-MM-dd}): {choice.Reason}. " +
            "The item-9 risk screen is not asked; use another risk screen.");
    }

    private sealed record Catalog(
        IReadOnlyList<Instrument> Bundled,
        IReadOnlyList<Instrument> Packs,
        IReadOnlyList<Instrument> All,
        Dictionary<string, Instrument> ById);

    private static Catalog Load()
    {
        const string pfizerSource = "https://hl7.org/fhir/uv/sdc/Questionnaire-questionnaire-sdc-profile-example-PHQ9.html";
        Instrument[] bundled =
        [
            Build(Phq9Id, "PHQ-9", "Patient Health Questionnaire-9 (PHQ-9)", InstrumentKind.Outcome, LicenceStatus.Open, pfizerSource, InstrumentDefinitions.Kroenke2001, InstrumentDefinitions.Phq9),
            Build(Gad7Id, "GAD-7", "Generalized Anxiety Disorder-7 (GAD-7)", InstrumentKind.Outcome, LicenceStatus.Open, "Pfizer statement as carried in LOINC-derived GAD-7 forms (secondary; see docs/clinical/gad-7.md)", InstrumentDefinitions.Spitzer2006, InstrumentDefinitions.Gad7),
            Build(CNipId, "C-NIP", "Cooper-Norcross Inventory of Preferences (C-NIP)", InstrumentKind.Preferences, LicenceStatus.Open, "c-nip.net; pluralisticpractice.com (free to use without permission)", InstrumentDefinitions.CooperNorcross2016, InstrumentDefinitions.CNip),
            Build(SessionCheckId, "Session Check", "Rapport Session Check (not yet validated)", InstrumentKind.Alliance, LicenceStatus.Open, "CC BY 4.0, https://creativecommons.org/licenses/by/4.0/", InstrumentDefinitions.RapportSessionCheck, InstrumentDefinitions.SessionCheck),
        ];
        Instrument[] packs =
        [
            Build("wai-sr", "WAI-SR", "Working Alliance Inventory – Short Revised (WAI-SR)", InstrumentKind.Alliance, LicenceStatus.LicenceRequired, "Society for Psychotherapy Research / wai.profhorvath.com: written permission needed before use in a product", InstrumentDefinitions.HatcherGillaspy2006, InstrumentDefinitions.WaiSr),
            Build("srs", "SRS", "Session Rating Scale (SRS)", InstrumentKind.Alliance, LicenceStatus.LicenceRequired, "PCOMS licence (scottdmiller.com): electronic use needs a commercial licence", InstrumentDefinitions.Duncan2003, InstrumentDefinitions.Srs),
            Build("ors", "ORS", "Outcome Rating Scale (ORS)", InstrumentKind.Outcome, LicenceStatus.LicenceRequired, "PCOMS licence (scottdmiller.com): electronic use needs a commercial licence", InstrumentDefinitions.Miller2003, InstrumentDefinitions.Ors),
            Build("sai", "SAI", "Session Alliance Inventory (SAI)", InstrumentKind.Alliance, LicenceStatus.LicenceRequired, "No licence statement found: ask the authors", InstrumentDefinitions.Falkenstrom2015, InstrumentDefinitions.Sai),
        ];
        Instrument[] all = [.. bundled, .. packs];
        var byId = all.ToDictionary(i => i.Id, StringComparer.OrdinalIgnoreCase);
        return new Catalog(bundled, packs, all, byId);
    }

    private static Instrument Build(
        string id, string shortName, string title, InstrumentKind kind, LicenceStatus status, string licenceSource, string citation, ScoringDefinition scoring)
    {
        var questionnaire = QuestionnaireReader.LoadEmbedded(id);
        var items = QuestionnaireReader.AnswerableItems(questionnaire)
            .Where(i => i.Type == Questionnaire.QuestionnaireItemType.Choice && !IsUnscored(id, i.LinkId ?? string.Empty))
            .Select(i => QuestionnaireReader.ToItem(i, reverseKeyed: false))
            .ToArray();
        var licence = new InstrumentLicence(status, questionnaire.Copyright ?? string.Empty, licenceSource);
        return new Instrument(id, title, kind, items, licence, citation, questionnaire, scoring, shortName);
    }

    // PHQ-9 item 10 (difficulty, LOINC 69722-7) is asked but never scored (Kroenke et al. 2001).
    private static bool IsUnscored(string id, string linkId) => id == Phq9Id && linkId == "10";
}

/// <summary>
/// A practice's explicit, recorded decision to use the PHQ-8 instead of the PHQ-9. There is no setting that silently
/// suppresses PHQ-9 item 9; this record is the only way to leave it out.
/// </summary>
/// <param name="DecidedBy">Who made the decision (clinical lead or governance body).</param>
/// <param name="DecidedOn">When.</param>
/// <param name="Reason">Why, and which other risk screen the practice uses instead.</param>
public sealed record Phq8PracticeChoice(string DecidedBy, DateOnly DecidedOn, string Reason)
{
    /// <summary>Who made the decision.</summary>
    public string DecidedBy { get; } = string.IsNullOrWhiteSpace(DecidedBy)
        ? throw new ArgumentException("name who decided to use the PHQ-8", nameof(DecidedBy))
        : DecidedBy;

    /// <summary>Why, including the replacement risk screen.</summary>
    public string Reason { get; } = string.IsNullOrWhiteSpace(Reason)
        ? throw new ArgumentException("give the reason for using the PHQ-8 and the risk screen used instead", nameof(Reason))
        : Reason;
}
