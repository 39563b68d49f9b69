using Rapport.Clinical.Change;
using Rapport.Clinical.Insights;
using Rapport.Clinical.Instruments;

namespace Rapport.Clinical.Matching;

/// <summary>One ended course with a therapist, as the similar-clients figure reads it: attended sessions and the totals on one instrument, in order.</summary>
public readonly record struct CourseOnInstrument(int AttendedSessions, IReadOnlyList<int> Totals);

/// <summary>A therapist's reliable improvement rate among clients with a similar concern, or why none is shown.</summary>
/// <param name="InstrumentId">The instrument the concern maps to.</param>
/// <param name="N">Finished courses that started at caseness on it (the denominator).</param>
/// <param name="Estimate">The proportion with its 95 % Wilson interval; <c>null</c> below the minimum n.</param>
/// <param name="WhyNot">Why no figure is shown, in plain words; <c>null</c> when it is.</param>
public sealed record SimilarOutcome(string InstrumentId, int N, Estimate? Estimate, string? WhyNot);

/// <summary>
/// "Their outcome with clients who had similar concerns" (Constantino et al. 2021, JAMA Psychiatry: matching by
/// therapists' measured strengths): among a therapist's finished courses (at least two attended sessions, NHS Talking
/// Therapies) whose first score on the concern's instrument was at caseness (PHQ-9 ≥ 10, GAD-7 ≥ 8), the share that
/// improved reliably on that instrument (a fall of at least 6 on the PHQ-9 or 4 on the GAD-7, first to last), with its
/// Wilson interval, hidden below the practice's minimum n. Every rule is the existing one
/// (<see cref="NhsPairedOutcome"/>, <see cref="Estimates.Proportion"/>, <see cref="MinimumN"/>).
/// </summary>
public static class SimilarClientsOutcome
{
    /// <summary>The figure for one therapist and one instrument from their ended courses.</summary>
    /// <exception cref="ArgumentException">The instrument is neither the PHQ-9 nor the GAD-7.</exception>
    public static SimilarOutcome Compute(string instrumentId, IEnumerable<CourseOnInstrument> courses, int minimum)
    {
        ArgumentNullException.ThrowIfNull(courses);
        var phq = instrumentId == InstrumentCatalog.Phq9Id;
        if (!phq && instrumentId != InstrumentCatalog.Gad7Id)
        {
            throw new ArgumentException($"No similar-clients outcome is defined for {instrumentId}.", nameof(instrumentId));
        }

        var similar = courses
            .Where(c => c.Totals.Count >= 2)
            .Select(c => phq
                ? NhsPairedOutcome.Classify(new EpisodeScores(c.AttendedSessions, c.Totals[0], c.Totals[^1], null, null))
                : NhsPairedOutcome.Classify(new EpisodeScores(c.AttendedSessions, null, null, c.Totals[0], c.Totals[^1])))
            .Where(o => o.FinishedTreatment && o.CasenessAtStart)
            .ToList();
        var name = InstrumentCatalog.ShortNameOf(instrumentId);
        if (MinimumN.HiddenBecause(similar.Count, minimum, $"finished courses with clients who started at a clinical level on the {name}") is { } why)
        {
            return new SimilarOutcome(instrumentId, similar.Count, null, why);
        }

        return new SimilarOutcome(instrumentId, similar.Count, Estimates.Proportion(similar.Count(o => o.ReliableImprovement), similar.Count), null);
    }
}
