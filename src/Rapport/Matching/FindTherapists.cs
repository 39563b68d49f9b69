using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Rapport.Access;
using Rapport.Audit;
using Rapport.Clinical.Insights;
using Rapport.Clinical.Matching;
using Rapport.Insights;
using Rapport.Persistence;

namespace Rapport.Matching;

/// <summary>
/// The public matching: a prospective client's intake against one practice's approved, accepting therapists, ranked
/// with a plain explanation each (<see cref="RankTherapists"/>) and, only where the therapist opted in and enough
/// similar clients finished, their reliable improvement rate with those clients (<see cref="SimilarClientsOutcome"/>).
/// Nothing about any client leaves: the only figures are proportions over at least the practice's minimum n.
/// </summary>
[NotAudited("Public and stores nothing: approved profiles their therapists wrote, and per-therapist proportions over at least the practice's minimum n of finished courses (no client's row, name, id or score)")]
public sealed class FindTherapists(RapportDb db, GetInsights insights, TimeProvider clock)
{
    public sealed record Results(string PracticeName, string Slug, int MinimumN, string Period, IReadOnlyList<Match> Therapists, string HowRanked);

    public sealed record Match(
        int Place,
        Guid ProfileId,
        string Name,
        string ProfileUrl,
        IReadOnlyList<string> Fits,
        IReadOnlyList<string> DoesNotFit,
        IReadOnlyList<OutcomeLine> Outcomes);

    /// <summary>One similar-clients figure, or (no <see cref="Percent"/>) the plain reason none is shown.</summary>
    public sealed record OutcomeLine(string Concern, string Instrument, int? N, double? Percent, double? Lower, double? Upper, string Words);

    public const string HowRankedWords =
        "Therapists are ordered by how much of what you asked for they offer: the concerns they work with, how they describe "
        + "their style against each preference you gave, the format, mode, language, times and fee. Outcome figures are "
        + "never part of the order, so therapists new to the practice are not pushed down; therapists who fit equally well "
        + "are shown in an order that changes every day.";

    public async Task<Outcome<Results>> HandleAsync(string slug, MatchIntake intake, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(intake);
        var practice = await db.Practices.AsNoTracking().Where(p => p.Slug == slug)
            .Select(p => new { p.Id, p.Name, p.Slug, p.InsightsMinimumN }).FirstOrDefaultAsync(cancellationToken);
        if (practice is null)
        {
            return Outcome<Results>.Missing();
        }

        var request = intake.Validate();
        if (!request.Succeeded)
        {
            return request.Map(_ => (Results)null!);
        }

        var candidates = await CandidatesAsync(practice.Id, cancellationToken);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var ranked = RankTherapists.Rank(request.Value!, candidates, today);
        var minimum = MinimumN.Effective(practice.InsightsMinimumN);
        var period = insights.DefaultPeriod();

        // Courses are read only when someone asked about a concern an instrument measures and a listed therapist opted in.
        var wanted = request.Value!.Concerns.Select(Concerns.Find).Where(c => c?.InstrumentId is not null).Select(c => c!).ToList();
        var courses = wanted.Count > 0 && ranked.Any(r => r.Candidate.Profile.ShowOutcomes)
            ? await insights.PublicCoursesAsync(practice.Id, period, cancellationToken)
            : [];

        var matches = ranked.Select((r, i) => new Match(
            i + 1,
            r.Candidate.ProfileId,
            r.Candidate.Name,
            ProfileUrl(practice.Slug, r.Candidate.ProfileId),
            r.Fits,
            r.DoesNotFit,
            [.. wanted.Select(c => Outcome(r.Candidate, c, courses, minimum))])).ToList();
        return Outcome<Results>.Ok(new Results(practice.Name, practice.Slug, minimum, $"{period.From:d MMMM yyyy} to {period.To:d MMMM yyyy}", matches, HowRankedWords));
    }

    public static string ProfileUrl(string slug, Guid profileId) => $"/practices/{slug}/therapists/{profileId}";

    internal async Task<List<RankTherapists.Candidate>> CandidatesAsync(Guid practiceId, CancellationToken cancellationToken)
    {
        var rows = await db.ApprovedProfilesOf(practiceId).AsNoTracking()
            .Select(p => new { p.Id, p.StaffMemberId, p.PublishedJson })
            .ToListAsync(cancellationToken);
        var ids = rows.Select(r => r.StaffMemberId).ToList();
        var names = await db.StaffMembers.IgnoreQueryFilters().AsNoTracking()
            .Where(s => s.PracticeId == practiceId && ids.Contains(s.Id))
            .ToDictionaryAsync(s => s.Id, s => s.DisplayName, cancellationToken);
        return [.. rows
            .Select(r => (r, Content: System.Text.Json.JsonSerializer.Deserialize<ProfileContent>(r.PublishedJson!, TherapistProfile.Json)!))
            .Where(x => x.Content.AcceptingNewClients && names.ContainsKey(x.r.StaffMemberId))
            .Select(x => new RankTherapists.Candidate(x.r.Id, names[x.r.StaffMemberId], x.Content) { StaffMemberId = x.r.StaffMemberId })];
    }

    private static OutcomeLine Outcome(RankTherapists.Candidate candidate, Concern concern, IReadOnlyList<GetInsights.Course> courses, int minimum)
    {
        var instrument = Clinical.Instruments.InstrumentCatalog.ShortNameOf(concern.InstrumentId!);
        var label = concern.Label.ToLowerInvariant();
        if (!candidate.Profile.ShowOutcomes)
        {
            return new OutcomeLine(concern.Label, instrument, null, null, null, null,
                $"No outcome figure: {candidate.Name} has not chosen to show their outcomes.");
        }

        var mine = courses.Where(c => c.LeadId == candidate.StaffMemberId)
            .Select(c => new CourseOnInstrument(c.AttendedSessions, concern.InstrumentId == Clinical.Instruments.InstrumentCatalog.Phq9Id ? c.Phq9 : c.Gad7));
        var figure = SimilarClientsOutcome.Compute(concern.InstrumentId!, mine, minimum);
        if (figure.Estimate is not { } e)
        {
            // The count below the minimum is not shown to the public: a small count of one therapist's clients is itself
            // something about those clients.
            return new OutcomeLine(concern.Label, instrument, null, null, null, null,
                $"No outcome figure: fewer than {minimum} clients who started with {label} at a clinical level on the {instrument} finished a course with {candidate.Name} in the last year, too few for a figure that means anything.");
        }

        return new OutcomeLine(concern.Label, instrument, e.N, Math.Round(e.Value * 100, 1), Math.Round(e.Lower * 100, 1), Math.Round(e.Upper * 100, 1),
            string.Create(CultureInfo.InvariantCulture,
                $"Of {e.N} clients who started with {label} at a clinical level on the {instrument} and finished a course with {candidate.Name} in the last year, {e.Value * 100:0} % improved reliably (95 % interval {e.Lower * 100:0} % to {e.Upper * 100:0} %)."));
    }
}
