using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Rapport.Audit;
using Rapport.Clinical.Alliance;
using Rapport.Clinical.Instruments;
using Rapport.Episodes;
using Rapport.Measures;
using Rapport.Persistence;
using Rapport.Progress;
using Rapport.Sessions;

namespace Rapport.Caseload;

/// <summary>Why a client needs attention, most urgent first (the order the dashboard sorts by).</summary>
public enum AttentionKind
{
    Risk,
    Alliance,
    NotOnTrack,
    OverdueCheckIn,
    ClientNote,
}

/// <summary>One reason, in words and numbers. <paramref name="RiskAlertId"/> is set for an unacknowledged risk alert.</summary>
public sealed record Attention(AttentionKind Kind, string Text, DateTime? At = null, Guid? RiskAlertId = null);

/// <summary>
/// The therapist's dashboard: their clients (and, for a supervisor, their supervisees' clients), one row per client and
/// active episode, ordered by what needs attention now: unacknowledged risk (newest first), then ruptures and low
/// alliance, then not-on-track, overdue check-ins and new notes; within a tier, more concerns first; then their own
/// before supervisees', then next session first.
/// </summary>
[Audits(AuditedAs.ClientReads)]
public sealed class GetCaseload(RapportDb db, TimeProvider clock, ExpectedModelCache expectedModels, InstrumentSource instruments)
{
    public sealed record Row(
        Guid ClientId,
        string ClientName,
        Guid EpisodeId,
        string EpisodeTitle,
        EpisodeFormat Format,
        DateTime? NextSession,
        DateTime? LastSession,
        int? LatestPhq9,
        bool Supervised,
        IReadOnlyList<string> Therapists,
        IReadOnlyList<Attention> Attention,
        string? LastAcknowledgement);

    /// <summary>The audit record type of a client shown on the dashboard.</summary>
    public const string Shown = "Caseload";

    // Invariant culture gives English month names; the app runs with invariant globalization.
    private static readonly CultureInfo Words = CultureInfo.InvariantCulture;

    public async Task<IReadOnlyList<Row>> HandleAsync(CancellationToken cancellationToken = default)
    {
        var staffId = db.Viewer.StaffMemberId;
        if (staffId is null)
        {
            return [];
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var teamEpisodes = await db.CaseloadEpisodeIdsAsync(cancellationToken);
        var rows = await db.EpisodeMembers
            .Where(m => teamEpisodes.Contains(m.EpisodeId))
            .Where(m => m.Episode!.Status != EpisodeStatus.Ended)
            .Where(m => db.Episodes.Any(e => e.Id == m.EpisodeId))
            .Select(m => new
            {
                m.ClientId,
                ClientName = m.Client!.DisplayName,
                m.EpisodeId,
                m.Episode!.Title,
                m.Episode.Format,
                m.Episode.MeasurementPlan,
                m.LeftOn,
                Own = m.Episode.CareTeam.Any(t => t.StaffMemberId == staffId),
                Next = m.Episode.Sessions.Where(s => s.Status == SessionStatus.Scheduled && s.StartsAt >= now).Min(s => (DateTime?)s.StartsAt),
                Last = m.Episode.Sessions.Where(s => s.Status == SessionStatus.Attended).Max(s => (DateTime?)s.StartsAt),
            })
            .ToListAsync(cancellationToken);

        var episodeIds = rows.Select(r => r.EpisodeId).Distinct().ToList();
        // Loaded apart from the rows: a collection in the main projection makes SQLite build the whole practice's care
        // teams before joining, and the dashboard's cost then grows with the practice instead of the caseload.
        var careTeams = (await db.EpisodeTherapists.AsNoTracking()
                .Where(t => episodeIds.Contains(t.EpisodeId))
                .Select(t => new { t.EpisodeId, t.StaffMember!.DisplayName })
                .ToListAsync(cancellationToken))
            .ToLookup(t => t.EpisodeId, t => t.DisplayName);
        var responses = await db.MeasureResponses.AsNoTracking()
            .Where(r => episodeIds.Contains(r.EpisodeId))
            .OrderBy(r => r.SubmittedAt)
            .Select(r => new { r.EpisodeId, r.ClientId, r.SessionId, r.InstrumentId, r.SubmittedAt, r.Total })
            .ToListAsync(cancellationToken);
        var sessions = await db.Sessions.AsNoTracking()
            .Where(s => episodeIds.Contains(s.EpisodeId))
            .Select(s => new { s.EpisodeId, s.Number, Slot = new MeasurementPlan.SessionSlot(s.Id, s.StartsAt, s.DurationMinutes, s.Status) })
            .ToListAsync(cancellationToken);
        // Driven from the episodes' sessions (indexed by episode), so the cost follows the caseload, not the practice.
        var attendees = (await db.Sessions.AsNoTracking()
                .Where(s => episodeIds.Contains(s.EpisodeId) && s.Status == SessionStatus.Attended)
                .SelectMany(s => s.Attendees.Select(a => new { a.SessionId, a.ClientId }))
                .ToListAsync(cancellationToken))
            .ToLookup(a => a.SessionId, a => a.ClientId);
        var practicePlan = await db.Practices.AsNoTracking().Where(p => p.Id == db.Viewer.PracticeId).Select(p => p.MeasurementPlan).FirstOrDefaultAsync(cancellationToken);
        var alerts = await db.RiskAlerts.AsNoTracking()
            .Where(a => episodeIds.Contains(a.EpisodeId))
            .OrderByDescending(a => a.RaisedAt)
            .ToListAsync(cancellationToken);
        var notes = await db.ClientNotes.AsNoTracking()
            .Where(n => episodeIds.Contains(n.EpisodeId) && n.ReadAt == null)
            .Select(n => new { n.EpisodeId, n.ClientId, n.WrittenAt })
            .ToListAsync(cancellationToken);

        // Overdue only for what the check-in can ask: looked up once for the whole caseload.
        var askable = instruments.Askable();
        var phq9 = InstrumentCatalog.Get(InstrumentCatalog.Phq9Id);
        var sessionCheck = InstrumentCatalog.Get(InstrumentCatalog.SessionCheckId);
        // The practice's own fitted model once the background refit has stored one, else the documented default.
        var models = await ExpectedModels.LoadAsync(db, db.Viewer.PracticeId, expectedModels, cancellationToken);
        var expected = models.For(phq9);

        // Couples, families and groups: members whose Session Check at the latest session they all rated differs by more
        // than the reliable change (split alliance). Raised on the lowest-scoring member's row.
        var names = rows.ToDictionary(r => (r.EpisodeId, r.ClientId), r => r.ClientName);
        var splits = new Dictionary<(Guid EpisodeId, Guid ClientId), string>();
        foreach (var episode in rows.Where(r => r.Format != EpisodeFormat.Individual).Select(r => r.EpisodeId).Distinct())
        {
            var latest = responses
                .Where(x => x.EpisodeId == episode && x.InstrumentId == sessionCheck.Id && x.SessionId is not null && x.Total is not null)
                .GroupBy(x => x.SessionId!.Value)
                .Where(g => g.Select(x => x.ClientId).Distinct().Count() >= 2)
                .MaxBy(g => g.Max(x => x.SubmittedAt));
            if (latest is null)
            {
                continue;
            }

            var number = sessions.FirstOrDefault(x => x.Slot.Id == latest.Key)?.Number ?? 0;
            var members = latest.GroupBy(x => x.ClientId).Select(g => (Member: g.Key.ToString(), Total: (double)g.Last().Total!.Value)).ToList();
            foreach (var split in AllianceSignals.DetectSplit(sessionCheck, number, members))
            {
                var low = members.First(m => m.Total == split.Score).Member;
                var other = names.GetValueOrDefault((episode, Guid.Parse(split.Member!)), "another member");
                splits[(episode, Guid.Parse(low))] = F($"Split alliance at session {number}: {split.Score} against {other}'s {split.Other} (more than the reliable change {Math.Round(split.Threshold ?? 0, 1)})");
            }
        }

        var result = new List<(Row Row, bool Own, DateTime? Next, DateTime Newest)>();
        foreach (var r in rows)
        {
            var mine = responses.Where(x => x.EpisodeId == r.EpisodeId && x.ClientId == r.ClientId).ToList();
            var attention = new List<Attention>();

            var clientAlerts = alerts.Where(a => a.EpisodeId == r.EpisodeId && a.ClientId == r.ClientId).ToList();
            foreach (var a in clientAlerts.Where(a => a.AcknowledgedAt is null))
            {
                attention.Add(new Attention(AttentionKind.Risk,
                    $"Risk: answered '{a.AnswerLabel}' to {Name(a.InstrumentId)} item {a.Item} on {a.RaisedAt.ToString("d MMM", Words)}",
                    a.RaisedAt, a.Id));
            }

            var acknowledged = clientAlerts.Where(a => a.AcknowledgedAt is not null).MaxBy(a => a.AcknowledgedAt);
            var lastAcknowledgement = acknowledged is null ? null
                : $"Risk alert of {acknowledged.RaisedAt.ToString("d MMM", Words)} acknowledged by {acknowledged.AcknowledgedByName} on {acknowledged.AcknowledgedAt!.Value.ToString("d MMM 'at' HH:mm", Words)}";

            var alliance = mine.Where(x => x.InstrumentId == sessionCheck.Id && x.Total is not null).ToList();
            if (alliance.Count > 0)
            {
                var series = alliance.Select((x, i) => new AlliancePoint(i + 1, x.Total!.Value)).ToArray();
                // One line per client: the most telling concern, ranked as on the episode view and the client page.
                if (AllianceConcern.Now(sessionCheck, series) is { } signal)
                {
                    attention.Add(new Attention(AttentionKind.Alliance, AllianceConcern.Text(signal), alliance[^1].SubmittedAt));
                }
            }

            if (splits.TryGetValue((r.EpisodeId, r.ClientId), out var splitText))
            {
                attention.Add(new Attention(AttentionKind.Alliance, splitText));
            }

            var symptoms = mine.Where(x => x.InstrumentId == phq9.Id && x.Total is not null).Select(x => (double)x.Total!.Value).ToArray();
            if (symptoms.Length >= 2)
            {
                var session = symptoms.Length;
                if (expected.IsOffTrack(symptoms[0], session, symptoms[^1]))
                {
                    var band = expected.Band(symptoms[0], session);
                    attention.Add(new Attention(AttentionKind.NotOnTrack,
                        F($"Not on track: PHQ-9 {symptoms[^1]} at session {session}, above the expected band {Math.Round(band.Lower)}–{Math.Round(band.Upper)} (intake {symptoms[0]}; band {models.Basis(phq9.Id)})")));
                }
            }

            var slots = sessions.Where(s => s.EpisodeId == r.EpisodeId).Select(s => s.Slot).ToList();
            var due = MeasurementPlan.DueForMember(new(MeasurementPlan.For(r.MeasurementPlan, practicePlan), slots, attendees, r.LeftOn), r.ClientId,
                [.. mine.Select(x => new MeasurementPlan.Answered(x.InstrumentId, x.SubmittedAt))], askable, now);
            var overdue = due.Where(d => d.Overdue).Select(d => Name(d.InstrumentId)).ToList();
            if (overdue.Count > 0)
            {
                attention.Add(new Attention(AttentionKind.OverdueCheckIn, $"Check-in overdue: {string.Join(", ", overdue)}"));
            }

            var unread = notes.Where(n => n.EpisodeId == r.EpisodeId && n.ClientId == r.ClientId).ToList();
            if (unread.Count > 0)
            {
                var latest = unread.Max(n => n.WrittenAt);
                attention.Add(new Attention(AttentionKind.ClientNote,
                    unread.Count == 1 ? $"New note from the client on {latest.ToString("d MMM", Words)}" : $"{unread.Count} new notes from the client, latest on {latest.ToString("d MMM", Words)}",
                    latest));
            }

            attention.Sort((a, b) => a.Kind.CompareTo(b.Kind));
            var latestPhq9 = mine.LastOrDefault(x => x.InstrumentId == phq9.Id)?.Total;
            var row = new Row(r.ClientId, r.ClientName, r.EpisodeId, r.Title, r.Format, r.Next, r.Last, latestPhq9, !r.Own, [.. careTeams[r.EpisodeId]], attention, lastAcknowledgement);
            result.Add((row, r.Own, r.Next, attention.Where(a => a.Kind == AttentionKind.Risk).Max(a => a.At) ?? DateTime.MinValue));
        }

        // The dashboard shows names, latest scores and risk alerts: a read of each client on it, in their access list.
        if (db.Viewer.PracticeId is { } practiceId)
        {
            await new AuditTrail(db).RecordReadsAsync(Shown, staffId.Value.ToString(), practiceId, result.Select(x => x.Row.ClientId), cancellationToken);
        }

        return [.. result
            .OrderBy(x => x.Row.Attention.Count == 0 ? int.MaxValue : (int)x.Row.Attention[0].Kind)
            .ThenByDescending(x => x.Newest)
            .ThenByDescending(x => x.Row.Attention.Count)
            .ThenBy(x => !x.Own)
            .ThenBy(x => x.Next ?? DateTime.MaxValue)
            .ThenBy(x => x.Row.ClientName, StringComparer.Ordinal)
            .Select(x => x.Row)];
    }

    private static string Name(string instrumentId) => InstrumentCatalog.ShortNameOf(instrumentId);

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
