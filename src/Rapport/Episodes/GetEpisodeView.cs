using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Rapport.Audit;
using Rapport.Clinical.Alliance;
using Rapport.Clinical.Instruments;
using Rapport.Goals;
using Rapport.Measures;
using Rapport.Persistence;
using Rapport.Sessions;

namespace Rapport.Episodes;

/// <summary>
/// The care team's view of a couple, family or group: each member separately, side by side (latest outcome scores,
/// alliance and its trend, any alliance signal, attendance, what is due), and the split-alliance signal between members
/// (<see cref="AllianceSignals.DetectSplit"/>). For staff on the episode's care team or supervising it; anyone else gets
/// null (the page answers 404). Clients never reach it: no member ever sees another. Every member shown is one "read"
/// entry in the audit trail, so it appears in each member's own "who has looked at my record".
/// </summary>
[Audits(AuditedAs.ClientReads | AuditedAs.RefusedReads)]
public sealed class GetEpisodeView(RapportDb db, TimeProvider clock, InstrumentSource instruments)
{
    public sealed record Score(int Total, DateTime At, string? Band);

    public sealed record MemberView(
        Guid ClientId,
        string Name,
        DateOnly JoinedOn,
        DateOnly? LeftOn,
        Score? Phq9,
        Score? Gad7,
        Score? Alliance,
        string AllianceTrend,
        string? AllianceSignal,
        int Attended,
        int Held,
        IReadOnlyList<DueMeasure> Due,
        IReadOnlyList<GoalView> Goals);

    /// <summary>The split-alliance signal: who rated the latest shared session lowest and highest, and by how much they differ.</summary>
    public sealed record SplitView(int Session, string LowestMember, double Lowest, string HighestMember, double Highest, double Threshold, string Text);

    /// <summary>Each member's Session Check total at the latest session two or more members rated, for the side-by-side.</summary>
    public sealed record SharedSession(int Session, IReadOnlyList<(string Member, int Total)> Totals);

    public sealed record View(
        Guid Id,
        string Title,
        EpisodeFormat Format,
        EpisodeStatus Status,
        DateOnly StartedOn,
        IReadOnlyList<string> Therapists,
        int SessionsHeld,
        DateTime? NextSession,
        IReadOnlyList<MemberView> Members,
        SharedSession? LatestShared,
        SplitView? Split,
        double? SplitThreshold);

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public async Task<View?> HandleAsync(Guid episodeId, CancellationToken cancellationToken = default)
    {
        if (db.Viewer.StaffMemberId is not { } staffId)
        {
            return null;
        }

        // The relationship filter already hides episodes of other care teams; the explicit care-team check also keeps a
        // practice admin's break-glass (granted for one client) from opening the other members of that client's group.
        var episode = await db.Episodes.AsNoTracking()
            .Where(e => e.Id == episodeId && e.CareTeam.Any(t => t.StaffMemberId == staffId
                || db.Supervisions.Any(s => s.SuperviseeId == t.StaffMemberId && s.SupervisorId == staffId)))
            .Select(e => new { e.Id, e.PracticeId, e.Title, e.Format, e.Status, e.StartedOn, e.MeasurementPlan })
            .FirstOrDefaultAsync(cancellationToken);
        if (episode is null)
        {
            await new AuditTrail(db).RecordRefusedAsync(nameof(CareEpisode), episodeId, cancellationToken);
            return null;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var therapists = await db.EpisodeTherapists.AsNoTracking().Where(t => t.EpisodeId == episodeId)
            .OrderByDescending(t => t.IsLead).Select(t => t.StaffMember!.DisplayName).ToListAsync(cancellationToken);
        var members = await db.EpisodeMembers.AsNoTracking().Where(m => m.EpisodeId == episodeId)
            .Select(m => new { m.ClientId, m.Client!.DisplayName, m.JoinedOn, m.LeftOn })
            .ToListAsync(cancellationToken);
        var sessions = await db.Sessions.AsNoTracking().Where(s => s.EpisodeId == episodeId)
            .Select(s => new { s.Id, s.Number, s.StartsAt, s.DurationMinutes, s.Status, Attendees = s.Attendees.Select(a => a.ClientId).ToList() })
            .ToListAsync(cancellationToken);
        var responses = await db.MeasureResponses.AsNoTracking().Where(r => r.EpisodeId == episodeId)
            .OrderBy(r => r.SubmittedAt)
            .Select(r => new { r.ClientId, r.SessionId, r.InstrumentId, r.SubmittedAt, r.Total })
            .ToListAsync(cancellationToken);
        var goals = await db.ClientGoals.AsNoTracking().Where(g => g.EpisodeId == episodeId)
            .OrderBy(g => g.Status == GoalStatus.WorkingOnIt ? 0 : 1).ThenByDescending(g => g.SetAt)
            .Select(g => new { g.ClientId, View = new GoalView(g.Id, g.Text, g.Status, g.SetAt, g.UpdatedAt, g.ClosedAt) })
            .ToListAsync(cancellationToken);

        var phq9 = InstrumentCatalog.Get(InstrumentCatalog.Phq9Id);
        var gad7 = InstrumentCatalog.Get(InstrumentCatalog.Gad7Id);
        var check = InstrumentCatalog.Get(InstrumentCatalog.SessionCheckId);
        // The same plan, attendance and askable rules as the check-in and the dashboard (MeasurementPlan.DueForMember).
        var practicePlan = await db.Practices.AsNoTracking().Where(p => p.Id == episode.PracticeId).Select(p => p.MeasurementPlan).FirstOrDefaultAsync(cancellationToken);
        var plan = MeasurementPlan.For(episode.MeasurementPlan, practicePlan);
        // Due only for what the check-in can ask (InstrumentSource.IsAskable), as on the dashboard.
        var askable = instruments.Askable();
        var slots = sessions.Select(s => new MeasurementPlan.SessionSlot(s.Id, s.StartsAt, s.DurationMinutes, s.Status)).ToList();
        var attendees = sessions.Where(s => s.Status == SessionStatus.Attended)
            .SelectMany(s => s.Attendees.Select(a => (s.Id, ClientId: a))).ToLookup(a => a.Id, a => a.ClientId);
        var held = sessions.Where(s => s.Status == SessionStatus.Attended && s.StartsAt <= now).ToList();

        var views = new List<MemberView>();
        foreach (var member in members.OrderBy(m => m.DisplayName, StringComparer.Ordinal))
        {
            var mine = responses.Where(r => r.ClientId == member.ClientId).ToList();
            Score? Latest(Instrument instrument) => mine.LastOrDefault(r => r.InstrumentId == instrument.Id && r.Total is not null) is { } r
                ? new Score(r.Total!.Value, r.SubmittedAt, instrument.Scoring.BandFor(r.Total.Value))
                : null;

            var alliance = mine.Where(r => r.InstrumentId == check.Id && r.Total is not null).ToList();
            var series = alliance.Select((r, i) => new AlliancePoint(i + 1, r.Total!.Value)).ToArray();
            var signals = AllianceSignals.DetectLatest(check, series);
            var trend = signals.FirstOrDefault(s => s.Kind == AllianceSignalKind.Trend) is { } t
                ? (t.Trigger == "falling" ? "falling" : "rising")
                : series.Length < 4 ? "too few sessions to tell" : "steady";
            // The same concern as the dashboard and the client page: a repaired rupture is good news, not a concern.
            var concern = AllianceConcern.MostTelling(signals);

            var heldSinceJoining = held.Where(s => DateOnly.FromDateTime(s.StartsAt) >= member.JoinedOn && (member.LeftOn is null || DateOnly.FromDateTime(s.StartsAt) <= member.LeftOn)).ToList();
            var due = MeasurementPlan.DueForMember(new(plan, slots, attendees, member.LeftOn), member.ClientId,
                [.. mine.Select(r => new MeasurementPlan.Answered(r.InstrumentId, r.SubmittedAt))], askable, now);
            views.Add(new MemberView(
                member.ClientId, member.DisplayName, member.JoinedOn, member.LeftOn,
                Latest(phq9), Latest(gad7), Latest(check), trend, concern is null ? null : AllianceConcern.Text(concern),
                heldSinceJoining.Count(s => s.Attendees.Contains(member.ClientId)), heldSinceJoining.Count,
                due, [.. goals.Where(g => g.ClientId == member.ClientId).Select(g => g.View)]));
        }

        // The split-alliance signal at the latest session two or more members rated (as on the dashboard).
        var names = members.ToDictionary(m => m.ClientId, m => m.DisplayName);
        var latestShared = responses
            .Where(r => r.InstrumentId == check.Id && r.SessionId is not null && r.Total is not null)
            .GroupBy(r => r.SessionId!.Value)
            .Where(g => g.Select(r => r.ClientId).Distinct().Count() >= 2)
            .MaxBy(g => g.Max(r => r.SubmittedAt));
        SharedSession? shared = null;
        SplitView? split = null;
        if (latestShared is not null)
        {
            var number = sessions.FirstOrDefault(s => s.Id == latestShared.Key)?.Number ?? 0;
            var totals = latestShared.GroupBy(r => r.ClientId).Select(g => (Id: g.Key, Total: g.Last().Total!.Value)).ToList();
            shared = new SharedSession(number, [.. totals.Select(x => (names.GetValueOrDefault(x.Id, "a member"), x.Total)).OrderBy(x => x.Item1, StringComparer.Ordinal)]);
            var signal = AllianceSignals.DetectSplit(check, number, [.. totals.Select(x => (x.Id.ToString(), (double)x.Total))]).FirstOrDefault();
            if (signal is not null)
            {
                var low = totals.First(x => x.Total == signal.Score).Id;
                var high = Guid.Parse(signal.Member!);
                var threshold = Math.Round(signal.Threshold ?? 0, 1);
                split = new SplitView(number, names[low], signal.Score, names[high], signal.Other ?? 0, threshold, string.Format(Invariant,
                    "At session {0}, {1} rated the session {2} and {3} rated it {4}: a difference of {5}, more than the reliable change of {6}. " +
                    "The work may feel different to each of them; {1}'s view may need attention.",
                    number, names[low], signal.Score, names[high], signal.Other, Math.Abs((signal.Other ?? 0) - signal.Score), threshold));
            }
        }

        await new AuditTrail(db).RecordReadsAsync(nameof(CareEpisode), episode.Id.ToString(), episode.PracticeId, members.Select(m => m.ClientId), cancellationToken);

        return new View(episode.Id, episode.Title, episode.Format, episode.Status, episode.StartedOn, therapists, held.Count,
            sessions.Where(s => s.Status == SessionStatus.Scheduled && s.StartsAt >= now).Min(s => (DateTime?)s.StartsAt),
            views, shared, split, check.Scoring.ReliableChange?.Threshold);
    }
}
