using Rapport.Clinical.Instruments;
using Rapport.Clinical.Scoring;

namespace Rapport.Clinical.Preferences;

/// <summary>Which way a client leans on one C-NIP scale.</summary>
public enum PreferenceLean
{
    /// <summary>Towards the pole named first in the scale's name (therapist directiveness, emotional intensity, past orientation, warm support).</summary>
    FirstPole,

    /// <summary>Towards the pole named second (client directiveness, emotional reserve, present orientation, focused challenge).</summary>
    SecondPole,

    /// <summary>The mean item answer is nearer 0 than the threshold: no clear preference either way.</summary>
    NoClearPreference,

    /// <summary>An item of the scale was not answered, so the scale is not reported (the C-NIP scoring rule here).</summary>
    NotAnswered,
}

/// <summary>One C-NIP scale in plain words, for the client and for the therapist.</summary>
/// <param name="ScaleId">The scale id from the instrument's scoring definition.</param>
/// <param name="ScaleName">The scale's published name (Cooper &amp; Norcross 2016).</param>
/// <param name="Sum">The scale sum (−15..+15; −9..+9 for the three-item scale), or null when not answered.</param>
/// <param name="Mean">The mean item answer (−3..+3), or null.</param>
/// <param name="Lean">Which way the client leans, judged by <see cref="PreferenceProfile.LeanThreshold"/>.</param>
/// <param name="ForClient">What they said, addressed to the client ("You would like …").</param>
/// <param name="ForTherapist">A modest suggestion for how to work with this client, to be talked over with them.</param>
public sealed record PreferenceScale(
    string ScaleId, string ScaleName, int? Sum, double? Mean, PreferenceLean Lean, string ForClient, string ForTherapist);

/// <summary>
/// A plain-language profile of a client's therapy preferences from their C-NIP answers: for each of the four scales,
/// where they lean and what that may suggest for the work. The dimensions and their meaning are those of Cooper &amp;
/// Norcross (2016, Int J Clin Health Psychol 16(1):87-98) and Norcross &amp; Cooper (2021, <i>Personalizing
/// psychotherapy: Assessing and accommodating patient preferences</i>, APA).
/// <para>
/// Rules (docs/clinical/c-nip.md): answers are coded −3..+3 as the shipped instrument codes them, −3 being the strongest
/// preference for the pole named first in the scale's name; a scale "leans" one way when its mean item answer is at
/// least <see cref="LeanThreshold"/> from 0. The published tentative cut-offs for a "strong preference" are not
/// confirmed here, so the profile never says "strong": it says "leans towards". Preferences are to be discussed with the
/// client, not obeyed.
/// </para>
/// </summary>
public static class PreferenceProfile
{
    /// <summary>
    /// A scale leans one way when the mean item answer is at least this far from 0: on average at least a "slight"
    /// preference (1 on the −3..+3 scale). Rapport's choice, not a published cut-off.
    /// </summary>
    public const double LeanThreshold = 1.0;

    /// <summary>Where the dimension descriptions come from.</summary>
    public const string Source =
        "Cooper M, Norcross JC (2016), Int J Clin Health Psychol 16(1):87-98; Norcross JC, Cooper M (2021), Personalizing psychotherapy: Assessing and accommodating patient preferences, APA. Threshold (mean item ≥ 1 from 0) is Rapport's; the published cut-offs for strong preferences are unconfirmed.";

    /// <summary>Said with every profile, to the client and to the therapist.</summary>
    public const string DiscussNotObey =
        "Preferences are a starting point for a conversation, not instructions: talk them over together, and ask again as therapy goes on.";

    private sealed record Wording(string First, string Second, string Neither, string TherapistFirst, string TherapistSecond, string TherapistNeither);

    private static readonly Dictionary<string, Wording> Words = new(StringComparer.Ordinal)
    {
        ["therapist-directiveness-vs-client-directiveness"] = new(
            "You lean towards your therapist taking the lead: giving structure, suggestions and things to try.",
            "You lean towards leading yourself: choosing what to talk about and how, with your therapist following.",
            "You did not lean either way about who leads the sessions.",
            "Leans towards therapist directiveness: consider offering structure, a clear focus, suggestions and tasks between sessions.",
            "Leans towards client directiveness: consider following their lead, letting them set the agenda, and asking before offering techniques or homework.",
            "No clear preference about who leads: check with them as you go."),
        ["emotional-intensity-vs-emotional-reserve"] = new(
            "You lean towards sessions that go deeply into feelings, even intense ones.",
            "You lean towards sessions that stay calmer, without pushing into intense feelings.",
            "You did not lean either way about how much sessions focus on feelings.",
            "Leans towards emotional intensity: consider inviting the expression of feelings and staying with intense emotion when it comes.",
            "Leans towards emotional reserve: consider a gentler pace with emotion, checking before going deeper, and respecting reserve.",
            "No clear preference about emotional intensity: notice how they respond when feelings come up."),
        ["past-orientation-vs-present-orientation"] = new(
            "You lean towards looking at your past and how it shaped you.",
            "You lean towards focusing on the present and the future.",
            "You did not lean either way about past or present.",
            "Leans towards past orientation: consider making room to explore earlier experiences and how they connect with now.",
            "Leans towards present orientation: consider keeping the focus on current difficulties and the future, bringing in the past where they see its use.",
            "No clear preference about past or present: follow what feels relevant to them."),
        ["warm-support-vs-focused-challenge"] = new(
            "You lean towards a warm, gentle and supportive therapist.",
            "You lean towards a therapist who challenges you and keeps the work focused.",
            "You did not lean either way between warm support and being challenged.",
            "Leans towards warm support: consider leading with warmth and encouragement, and take care with confrontation.",
            "Leans towards focused challenge: consider being direct, naming patterns and challenging clearly, while keeping to their goals.",
            "No clear preference between support and challenge: ask which helps more."),
    };

    /// <summary>The profile for one C-NIP response (answers by linkId, −3..+3). Scales with a missing item are <see cref="PreferenceLean.NotAnswered"/>.</summary>
    /// <exception cref="ArgumentException">The instrument is not the C-NIP, or an answer is out of range or names an unknown item.</exception>
    public static IReadOnlyList<PreferenceScale> Describe(Instrument instrument, IReadOnlyDictionary<string, int?> answers)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        ArgumentNullException.ThrowIfNull(answers);
        if (instrument.Id != InstrumentCatalog.CNipId)
        {
            throw new ArgumentException($"A preference profile needs the C-NIP, not {instrument.Id}.", nameof(instrument));
        }

        var scored = ScoreResponse.Score(instrument, answers);
        if (scored.Result is not { } result)
        {
            throw new ArgumentException("C-NIP answers do not score: " + string.Join("; ", scored.Errors.Select(e => e.Message)), nameof(answers));
        }

        var scales = new List<PreferenceScale>(instrument.Scoring.Subscales.Count);
        foreach (var scale in instrument.Scoring.Subscales)
        {
            var words = Words[scale.Id];
            var sum = result.Subscales.TryGetValue(scale.Id, out var s) ? s : null;
            double? mean = sum is { } total ? Math.Round((double)total / scale.LinkIds.Count, 2) : null;
            var lean = Lean(mean);
            var (client, therapist) = lean switch
            {
                PreferenceLean.FirstPole => (words.First, words.TherapistFirst),
                PreferenceLean.SecondPole => (words.Second, words.TherapistSecond),
                PreferenceLean.NoClearPreference => (words.Neither, words.TherapistNeither),
                _ => ("Not answered.", "Not answered: one or more items of this scale are missing."),
            };
            scales.Add(new PreferenceScale(scale.Id, scale.Title, sum, mean, lean, client, therapist));
        }

        return scales;
    }

    /// <summary>Which way a mean item answer leans: negative towards the first-named pole, by at least <see cref="LeanThreshold"/>.</summary>
    public static PreferenceLean Lean(double? meanItem) => meanItem switch
    {
        null => PreferenceLean.NotAnswered,
        <= -LeanThreshold => PreferenceLean.FirstPole,
        >= LeanThreshold => PreferenceLean.SecondPole,
        _ => PreferenceLean.NoClearPreference,
    };
}
