namespace Rapport.Clinical.Change;

/// <summary>First and last PHQ-9 and GAD-7 totals of one episode, with the number of attended sessions.</summary>
/// <param name="AttendedSessions">Attended treatment sessions in the episode.</param>
/// <param name="FirstPhq9">First PHQ-9 total, or <c>null</c> when none was recorded.</param>
/// <param name="LastPhq9">Last PHQ-9 total.</param>
/// <param name="FirstGad7">First GAD-7 total.</param>
/// <param name="LastGad7">Last GAD-7 total.</param>
public readonly record struct EpisodeScores(int AttendedSessions, int? FirstPhq9, int? LastPhq9, int? FirstGad7, int? LastGad7);

/// <summary>NHS Talking Therapies paired outcome for one episode. Every flag is false when it cannot be assessed.</summary>
/// <param name="CasenessAtStart">PHQ-9 ≥ 10 or GAD-7 ≥ 8 at the first score.</param>
/// <param name="FinishedTreatment">At least two attended treatment sessions.</param>
/// <param name="Recovery">Finished, at caseness at the start and not at caseness at the end.</param>
/// <param name="ReliableImprovement">Finished; a reliable fall on at least one measure and no reliable rise on the other.</param>
/// <param name="ReliableDeterioration">Finished; a reliable rise on at least one measure and no reliable fall on the other.</param>
/// <param name="ReliableRecovery">Recovery and reliable improvement.</param>
/// <param name="MixedReliableChange">One measure reliably improved while the other reliably deteriorated: neither improvement nor deterioration.</param>
public readonly record struct PairedOutcome(
    bool CasenessAtStart,
    bool FinishedTreatment,
    bool Recovery,
    bool ReliableImprovement,
    bool ReliableDeterioration,
    bool ReliableRecovery,
    bool MixedReliableChange);

/// <summary>
/// NHS Talking Therapies (formerly IAPT) outcome definitions for an episode measured with PHQ-9 and GAD-7:
/// caseness PHQ-9 ≥ 10 or GAD-7 ≥ 8; finished treatment = at least two attended sessions; reliable change = a change of
/// at least 6 on PHQ-9 or 4 on GAD-7 between first and last scores. See docs/clinical/nhs-talking-therapies.md for
/// which parts of the wording are confirmed.
/// </summary>
public static class NhsPairedOutcome
{
    /// <summary>PHQ-9 caseness: a total at or above this.</summary>
    public const int Phq9Caseness = 10;

    /// <summary>GAD-7 caseness: a total at or above this.</summary>
    public const int Gad7Caseness = 8;

    /// <summary>PHQ-9 reliable change: a change of at least this many points.</summary>
    public const int Phq9ReliableChange = 6;

    /// <summary>GAD-7 reliable change: a change of at least this many points.</summary>
    public const int Gad7ReliableChange = 4;

    /// <summary>Minimum attended sessions for a finished course of treatment.</summary>
    public const int FinishedTreatmentSessions = 2;

    /// <summary>Classifies one episode.</summary>
    /// <remarks>
    /// A measure with no first or last score is left out; caseness uses whichever measures exist. The rules for
    /// improvement and deterioration are symmetric, so an episode where one measure reliably improves and the other
    /// reliably deteriorates counts as neither (and sets <see cref="PairedOutcome.MixedReliableChange"/>).
    /// </remarks>
    public static PairedOutcome Classify(in EpisodeScores episode)
    {
        var casenessAtStart = IsCase(episode.FirstPhq9, episode.FirstGad7);
        var finished = episode.AttendedSessions >= FinishedTreatmentSessions;
        if (!finished)
        {
            return new PairedOutcome(casenessAtStart, false, false, false, false, false, false);
        }

        var casenessAtEnd = IsCase(episode.LastPhq9, episode.LastGad7);
        var phqChange = Change(episode.FirstPhq9, episode.LastPhq9);
        var gadChange = Change(episode.FirstGad7, episode.LastGad7);

        var improved = phqChange <= -Phq9ReliableChange || gadChange <= -Gad7ReliableChange;
        var deteriorated = phqChange >= Phq9ReliableChange || gadChange >= Gad7ReliableChange;
        var hasPairedScore = phqChange is not null || gadChange is not null;

        var recovery = casenessAtStart && hasPairedScore && !casenessAtEnd;
        var reliableImprovement = improved && !deteriorated;
        var reliableDeterioration = deteriorated && !improved;
        return new PairedOutcome(
            casenessAtStart,
            true,
            recovery,
            reliableImprovement,
            reliableDeterioration,
            recovery && reliableImprovement,
            improved && deteriorated);
    }

    private static bool IsCase(int? phq9, int? gad7) => phq9 >= Phq9Caseness || gad7 >= Gad7Caseness;

    private static int? Change(int? first, int? last) => first is { } f && last is { } l ? l - f : null;
}
