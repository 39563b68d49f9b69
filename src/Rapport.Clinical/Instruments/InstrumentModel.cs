namespace Rapport.Clinical.Instruments;

/// <summary>What an instrument measures, which decides where its scores are used.</summary>
public enum InstrumentKind
{
    /// <summary>Symptom or wellbeing outcome (PHQ-9, GAD-7, ORS): feeds change, recovery and not-on-track.</summary>
    Outcome,

    /// <summary>Therapeutic alliance (Rapport Session Check, WAI-SR, SRS, SAI): feeds alliance signals.</summary>
    Alliance,

    /// <summary>Client therapy preferences (C-NIP): descriptive, never a change measure.</summary>
    Preferences,
}

/// <summary>Whether Rapport may ship the instrument's wording.</summary>
public enum LicenceStatus
{
    /// <summary>Redistributable: the wording ships with Rapport (PHQ-9, GAD-7, our own Session Check, C-NIP).</summary>
    Open,

    /// <summary>Licence-gated pack: Rapport ships structure and scoring only; a licensed practice imports the wording.</summary>
    LicenceRequired,
}

/// <summary>Which way a higher total points.</summary>
public enum ScoreDirection
{
    /// <summary>Symptom measures: a higher total is worse (PHQ-9, GAD-7).</summary>
    HigherIsWorse,

    /// <summary>Wellbeing and alliance measures: a higher total is better (ORS, SRS, WAI-SR).</summary>
    HigherIsBetter,

    /// <summary>Bipolar preference scales (C-NIP): neither end is better.</summary>
    Bipolar,
}

/// <summary>The licence an instrument is used under, quoted so a practice can check it.</summary>
/// <param name="Status">Open or licence-gated.</param>
/// <param name="Statement">The copyright or licence statement to display with the instrument.</param>
/// <param name="Source">Where the statement comes from.</param>
public sealed record InstrumentLicence(LicenceStatus Status, string Statement, string Source);

/// <summary>One answer choice and the weight it scores.</summary>
/// <param name="Weight">Score contributed by the answer.</param>
/// <param name="Label">Label shown to the client.</param>
/// <param name="Code">Answer code (LOINC LA code where one exists).</param>
public sealed record AnswerOption(int Weight, string Label, string? Code);

/// <summary>A scored item.</summary>
/// <param name="LinkId">The Questionnaire linkId, also the key answers are given under.</param>
/// <param name="Text">Item wording; <c>null</c> for a pack whose wording has not been imported.</param>
/// <param name="LoincCode">LOINC code of the item, where one exists.</param>
/// <param name="Options">Answer choices in scale order.</param>
/// <param name="ReverseKeyed">Scored as (min + max − answer).</param>
public sealed record InstrumentItem(string LinkId, string? Text, string? LoincCode, IReadOnlyList<AnswerOption> Options, bool ReverseKeyed);

/// <summary>A severity band on the total, inclusive at both ends.</summary>
public sealed record SeverityBand(int Min, int Max, string Label);

/// <summary>A subscale: the sum of the listed items.</summary>
public sealed record Subscale(string Id, string Title, IReadOnlyList<string> LinkIds);

/// <summary>The clinical/non-clinical cut-off on the total.</summary>
/// <param name="Threshold">The cut-off score.</param>
/// <param name="CaseAtOrAbove"><c>true</c> when a total ≥ threshold is a case (PHQ-9 ≥ 10); <c>false</c> when a total below it is (ORS &lt; 25).</param>
/// <param name="Source">Who set the cut-off.</param>
public sealed record CasenessCutoff(int Threshold, bool CaseAtOrAbove, string Source)
{
    /// <summary>Whether <paramref name="total"/> is at caseness.</summary>
    public bool IsCase(double total) => CaseAtOrAbove ? total >= Threshold : total < Threshold;
}

/// <summary>
/// The smallest change on the total that exceeds measurement error, either a published value or computed by
/// Jacobson &amp; Truax (1991): 1.96 · SD · √2 · √(1 − r).
/// </summary>
/// <param name="Threshold">Change in total points that counts as reliable (a change ≥ this is reliable).</param>
/// <param name="Basis">How the value was obtained, for display.</param>
/// <param name="NormativeSd">Normative SD, when computed by Jacobson–Truax.</param>
/// <param name="Reliability">Reliability, when computed by Jacobson–Truax.</param>
/// <param name="Source">Citation.</param>
/// <param name="Provisional">The value is our own assumption, not a published figure.</param>
public sealed record ReliableChangeCriterion(double Threshold, string Basis, double? NormativeSd, double? Reliability, string Source, bool Provisional = false)
{
    /// <summary>A published reliable-change value (e.g. NHS Talking Therapies PHQ-9 = 6).</summary>
    public static ReliableChangeCriterion Published(double threshold, string source, bool provisional = false) =>
        new(threshold, $"published value {threshold}", null, null, source, provisional);

    /// <summary>Computed from a normative SD and a reliability by Jacobson &amp; Truax (1991).</summary>
    public static ReliableChangeCriterion FromNorms(double sd, double reliability, string source, bool provisional = false)
    {
        var threshold = Rapport.Clinical.Change.ReliableChangeIndex.MinimumReliableChange(sd, reliability);
        return new(threshold, $"Jacobson–Truax 1.96·SD·√2·√(1−r) with SD {sd}, r {reliability}", sd, reliability, source, provisional);
    }
}

/// <summary>An item whose answer raises a risk alert, whatever the total.</summary>
/// <param name="LinkId">The risk item.</param>
/// <param name="TriggerAtOrAbove">Smallest answer that triggers the alert.</param>
/// <param name="Reason">What the alert means, for the therapist.</param>
/// <param name="Source">The convention it rests on.</param>
public sealed record RiskRule(string LinkId, int TriggerAtOrAbove, string Reason, string Source);

/// <summary>The instrument's own rule for missing answers.</summary>
/// <param name="MaxProratedItems">How many missing items may be prorated (0: any missing item makes the score incomplete).</param>
/// <param name="Description">The rule in words.</param>
/// <param name="Source">Who allows (or why we do not allow) prorating.</param>
public sealed record MissingItemRule(int MaxProratedItems, string Description, string Source)
{
    /// <summary>No prorating: any missing item makes the total incomplete.</summary>
    public static MissingItemRule NoProrating(string source) =>
        new(0, "Every item is required; with any item missing the total is reported as incomplete.", source);
}

/// <summary>An alliance instrument's low-alliance threshold: a total below it is low.</summary>
public sealed record LowAllianceThreshold(double Below, string Source, bool Provisional);

/// <summary>How an instrument is scored. Our own record, kept next to the FHIR Questionnaire that carries the wording.</summary>
public sealed record ScoringDefinition
{
    /// <summary>Lowest answer weight.</summary>
    public required int ItemMin { get; init; }

    /// <summary>Highest answer weight.</summary>
    public required int ItemMax { get; init; }

    /// <summary>Whether the instrument has a total (C-NIP reports scales only).</summary>
    public bool HasTotal { get; init; } = true;

    /// <summary>Lowest possible total.</summary>
    public required int TotalMin { get; init; }

    /// <summary>Highest possible total.</summary>
    public required int TotalMax { get; init; }

    /// <summary>Which way a higher total points.</summary>
    public required ScoreDirection Direction { get; init; }

    /// <summary>Subscales (empty when the instrument has none).</summary>
    public IReadOnlyList<Subscale> Subscales { get; init; } = [];

    /// <summary>Severity bands covering the total range (empty when none are published).</summary>
    public IReadOnlyList<SeverityBand> Bands { get; init; } = [];

    /// <summary>Caseness cut-off, when one is published.</summary>
    public CasenessCutoff? Caseness { get; init; }

    /// <summary>Reliable-change criterion, when one is known.</summary>
    public ReliableChangeCriterion? ReliableChange { get; init; }

    /// <summary>Items that raise a risk alert.</summary>
    public IReadOnlyList<RiskRule> RiskRules { get; init; } = [];

    /// <summary>The missing-item rule.</summary>
    public required MissingItemRule Missing { get; init; }

    /// <summary>Low-alliance threshold for alliance instruments.</summary>
    public LowAllianceThreshold? LowAlliance { get; init; }

    /// <summary>
    /// The severity band label of a total (PHQ-9: Kroenke et al. 2001; GAD-7: Spitzer et al. 2006), or <c>null</c> when
    /// the instrument publishes no bands or the total lies outside them. The one look-up scoring and every view use.
    /// </summary>
    public string? BandFor(int total)
    {
        foreach (var band in Bands)
        {
            if (total >= band.Min && total <= band.Max)
            {
                return band.Label;
            }
        }

        return null;
    }
}
