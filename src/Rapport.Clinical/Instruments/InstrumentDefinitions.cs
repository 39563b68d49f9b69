namespace Rapport.Clinical.Instruments;

/// <summary>
/// Our scoring definitions, one per instrument, each value with its source. Values tagged "unconfirmed" are listed in
/// docs/clinical/sources.md and must not be read as published norms.
/// </summary>
internal static class InstrumentDefinitions
{
    internal const string NhsManual =
        "NHS Talking Therapies Manual / IAPT Data Handbook (caseness PHQ-9 ≥ 10, GAD-7 ≥ 8; reliable change PHQ-9 6, GAD-7 4)";

    internal const string Kroenke2001 =
        "Kroenke K, Spitzer RL, Williams JBW. The PHQ-9: validity of a brief depression severity measure. J Gen Intern Med 2001;16(9):606-613.";

    internal const string Spitzer2006 =
        "Spitzer RL, Kroenke K, Williams JBW, Löwe B. A brief measure for assessing generalized anxiety disorder: the GAD-7. Arch Intern Med 2006;166:1092-1097.";

    internal const string CooperNorcross2016 =
        "Cooper M, Norcross JC. A brief, multidimensional measure of clients' therapy preferences: the Cooper-Norcross Inventory of Preferences (C-NIP). Int J Clin Health Psychol 2016;16(1):87-98.";

    internal const string HatcherGillaspy2006 =
        "Hatcher RL, Gillaspy JA. Development and validation of a revised short version of the Working Alliance Inventory. Psychotherapy Research 2006;16(1):12-25.";

    internal const string Duncan2003 =
        "Duncan BL, Miller SD, Sparks JA, Claud DA, Reynolds LR, Brown J, Johnson LD. The Session Rating Scale. Journal of Brief Therapy 2003;3(1):3-12.";

    internal const string Miller2003 =
        "Miller SD, Duncan BL, Brown J, Sparks JA, Claud DA. The Outcome Rating Scale. Journal of Brief Therapy 2003;2(2):91-100.";

    internal const string Falkenstrom2015 =
        "Falkenström F, Hatcher RL, Skjulsvik T, Holmqvist Larsson M, Holmqvist R. Development and validation of a 6-item working alliance questionnaire for repeated administrations during psychotherapy. Psychological Assessment 2015;27(1):169-183. doi:10.1037/pas0000038";

    internal const string RapportSessionCheck =
        "Rapport contributors. Rapport Session Check, version 1 (CC BY 4.0). Not yet validated; see docs/clinical/rapport-session-check.md.";

    internal static readonly RiskRule Phq9Item9 = new(
        "9",
        1,
        "PHQ-9 item 9 (thoughts of being better off dead or of self-harm) answered at least \"several days\": review with the client and complete a structured risk assessment before the contact ends. A flag, not a finding of intent.",
        "Simon et al. 2013, Psychiatric Services, doi:10.1176/appi.ps.201200587; practice convention that any non-zero answer triggers review");

    internal static ScoringDefinition Phq9 { get; } = new()
    {
        ItemMin = 0,
        ItemMax = 3,
        TotalMin = 0,
        TotalMax = 27,
        Direction = ScoreDirection.HigherIsWorse,
        Bands =
        [
            new(0, 4, "minimal"),
            new(5, 9, "mild"),
            new(10, 14, "moderate"),
            new(15, 19, "moderately severe"),
            new(20, 27, "severe"),
        ],
        Caseness = new CasenessCutoff(10, CaseAtOrAbove: true, NhsManual),
        ReliableChange = ReliableChangeCriterion.Published(6, NhsManual),
        RiskRules = [Phq9Item9],
        // The authors' manual gives no prorating rule we could confirm, so a missing item makes the total incomplete.
        Missing = MissingItemRule.NoProrating("No prorating rule confirmed from the PHQ authors; see docs/clinical/phq-9.md"),
    };

    internal static ScoringDefinition Phq8 { get; } = Phq9 with
    {
        TotalMax = 24,
        Bands =
        [
            new(0, 4, "minimal"),
            new(5, 9, "mild"),
            new(10, 14, "moderate"),
            new(15, 19, "moderately severe"),
            new(20, 24, "severe"),
        ],
        Caseness = new CasenessCutoff(10, CaseAtOrAbove: true, "Kroenke et al. 2009, J Affect Disord 114:163-173 (PHQ-8 ≥ 10)"),
        // NHS Talking Therapies publishes no PHQ-8 reliable-change value; none is invented here.
        ReliableChange = null,
        RiskRules = [],
    };

    internal static ScoringDefinition Gad7 { get; } = new()
    {
        ItemMin = 0,
        ItemMax = 3,
        TotalMin = 0,
        TotalMax = 21,
        Direction = ScoreDirection.HigherIsWorse,
        Bands =
        [
            new(0, 4, "minimal"),
            new(5, 9, "mild"),
            new(10, 14, "moderate"),
            new(15, 21, "severe"),
        ],
        Caseness = new CasenessCutoff(8, CaseAtOrAbove: true, NhsManual),
        ReliableChange = ReliableChangeCriterion.Published(4, NhsManual),
        Missing = MissingItemRule.NoProrating("No prorating rule confirmed from the GAD-7 authors; see docs/clinical/gad-7.md"),
    };

    internal static ScoringDefinition CNip { get; } = new()
    {
        ItemMin = -3,
        ItemMax = 3,
        HasTotal = false,
        TotalMin = 0,
        TotalMax = 0,
        Direction = ScoreDirection.Bipolar,
        Subscales =
        [
            new("therapist-directiveness-vs-client-directiveness", "Therapist Directiveness vs Client Directiveness", ["1", "2", "3", "4", "5"]),
            new("emotional-intensity-vs-emotional-reserve", "Emotional Intensity vs Emotional Reserve", ["6", "7", "8", "9", "10"]),
            new("past-orientation-vs-present-orientation", "Past Orientation vs Present Orientation", ["11", "12", "13"]),
            new("warm-support-vs-focused-challenge", "Warm Support vs Focused Challenge", ["14", "15", "16", "17", "18"]),
        ],
        Missing = MissingItemRule.NoProrating("No missing-item rule confirmed from the C-NIP scoring sheet; a scale with a missing item is not reported"),
    };

    internal static ScoringDefinition SessionCheck { get; } = new()
    {
        ItemMin = 0,
        ItemMax = 10,
        TotalMin = 0,
        TotalMax = 40,
        Direction = ScoreDirection.HigherIsBetter,
        // Provisional: mirrors the ceiling-heavy distribution of per-session alliance scales (SRS uses < 36 of 40).
        LowAlliance = new LowAllianceThreshold(32, "Rapport provisional value (an item mean below 8 of 10); to be recalibrated from practice data", Provisional: true),
        // Provisional: assumed SD 5 and reliability .85 until each practice's own data give better values.
        ReliableChange = ReliableChangeCriterion.FromNorms(5.0, 0.85, "Rapport provisional (assumed SD 5, r .85)", provisional: true),
        // Our own instrument, so the rule is ours: one of four items may be prorated (mean of the other three × 4).
        Missing = new MissingItemRule(1, "One missing item is prorated (mean of the answered items × 4, rounded half up); two or more missing make the total incomplete.", "Rapport Session Check rule (our own instrument)"),
    };

    internal static ScoringDefinition WaiSr { get; } = new()
    {
        ItemMin = 1,
        ItemMax = 5,
        TotalMin = 12,
        TotalMax = 60,
        Direction = ScoreDirection.HigherIsBetter,
        Subscales =
        [
            new("task", "Task", ["1", "2", "10", "12"]),
            new("goal", "Goal", ["4", "6", "8", "11"]),
            new("bond", "Bond", ["3", "5", "7", "9"]),
        ],
        // No published clinical cut-off and no published reliable-change value: none is invented.
        Missing = MissingItemRule.NoProrating("No missing-item rule confirmed from Hatcher & Gillaspy 2006"),
    };

    internal static ScoringDefinition Srs { get; } = new()
    {
        ItemMin = 0,
        ItemMax = 10,
        TotalMin = 0,
        TotalMax = 40,
        Direction = ScoreDirection.HigherIsBetter,
        LowAlliance = new LowAllianceThreshold(36, "Sources disagree (< 36, ≤ 36, 0-34 poor); default < 36, configurable; confirm against the licensed PCOMS manual", Provisional: true),
        Missing = MissingItemRule.NoProrating("Visual-analogue scale: all four marks are needed"),
    };

    internal static ScoringDefinition Ors { get; } = new()
    {
        ItemMin = 0,
        ItemMax = 10,
        TotalMin = 0,
        TotalMax = 40,
        Direction = ScoreDirection.HigherIsBetter,
        Caseness = new CasenessCutoff(25, CaseAtOrAbove: false, "Adult clinical cut-off 25 (unconfirmed; background knowledge, check the licensed PCOMS manual)"),
        ReliableChange = ReliableChangeCriterion.Published(5, "ORS reliable change ≈ 5 (unconfirmed; check the licensed PCOMS manual)", provisional: true),
        Missing = MissingItemRule.NoProrating("Visual-analogue scale: all four marks are needed"),
    };

    internal static ScoringDefinition Sai { get; } = new()
    {
        ItemMin = 0,
        ItemMax = 6,
        TotalMin = 0,
        TotalMax = 36,
        Direction = ScoreDirection.HigherIsBetter,
        // The authors recommend the composite of all six items; we report the sum (mean = total / 6).
        Missing = MissingItemRule.NoProrating("No missing-item rule confirmed from Falkenström et al. 2015"),
    };
}
