using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Rapport.Audit;
using Rapport.Episodes;
using Rapport.Persistence;

namespace Rapport.Listening;

/// <summary>A session's listening report, the therapist's trend across sessions, and deletion of a transcript's words.</summary>
[Audits(AuditedAs.ClientReads | AuditedAs.Writes | AuditedAs.RefusedReads)]
public sealed class ListeningReviews(RapportDb db, TimeProvider clock)
{
    public sealed record ReportView(
        Guid Id,
        Guid SessionId,
        string EpisodeTitle,
        int SessionNumber,
        DateTime SessionAt,
        string FileName,
        TranscriptStatus Status,
        string? Error,
        DateTime UploadedAt,
        ListeningSummary? Summary,
        JsonDocument? Report);

    public sealed record TrendRow(Guid Id, string Therapist, string EpisodeTitle, int SessionNumber, DateTime SessionAt, TranscriptStatus Status, ListeningSummary? Summary);

    /// <summary>Null when there is no such transcript or the viewer is not on the care team (or supervising it).</summary>
    public async Task<ReportView?> ReportAsync(Guid id, CancellationToken cancellationToken = default)
    {
        if (!db.Viewer.IsStaff)
        {
            return null;
        }

        var t = await db.SessionTranscripts.AsNoTracking()
            .Where(x => x.Id == id)
            .Select(x => new
            {
                x.Id, x.PracticeId, x.EpisodeId, x.SessionId, x.Episode!.Title, x.FileName, x.Status, x.Error, x.UploadedAt, x.SummaryJson, x.ReportJson,
                Session = db.Sessions.Where(s => s.Id == x.SessionId).Select(s => new { s.Number, s.StartsAt }).First(),
            })
            .FirstOrDefaultAsync(cancellationToken);
        if (t is null)
        {
            await new AuditTrail(db).RecordRefusedAsync(nameof(SessionTranscript), id, cancellationToken);
            return null;
        }

        // A transcript is psychotherapy-note-like content: every view is an audited read (HIPAA 164.312(b)), one entry
        // per member of the session's episode, so it shows in each one's "who has looked at my record".
        await new AuditTrail(db).RecordReadsAsync(nameof(SessionTranscript), t.Id.ToString(), t.PracticeId,
            await TranscriptSubjectsAsync(db, t.EpisodeId, cancellationToken), cancellationToken);
        return new ReportView(t.Id, t.SessionId, t.Title, t.Session.Number, t.Session.StartsAt, t.FileName, t.Status, t.Error, t.UploadedAt,
                Summary(t.SummaryJson), t.ReportJson is null ? null : JsonDocument.Parse(t.ReportJson));
    }

    /// <summary>The viewer's own sessions' listening over time; a supervisor also sees their supervisees'.</summary>
    public async Task<IReadOnlyList<TrendRow>> TrendAsync(CancellationToken cancellationToken = default)
    {
        if (!db.Viewer.IsStaff)
        {
            return [];
        }

        var rows = await db.SessionTranscripts.AsNoTracking()
            .Join(db.Sessions, t => t.SessionId, s => s.Id, (t, s) => new { t, s })
            .Join(db.StaffMembers, x => x.t.TherapistId, m => m.Id, (x, m) => new { x.t, x.s, Therapist = m.DisplayName })
            .OrderBy(x => x.s.StartsAt)
            .Select(x => new { x.t.Id, x.Therapist, x.t.Episode!.Title, x.s.Number, x.s.StartsAt, x.t.Status, x.t.SummaryJson })
            .ToListAsync(cancellationToken);
        return [.. rows.Select(r => new TrendRow(r.Id, r.Therapist, r.Title, r.Number, r.StartsAt, r.Status, Summary(r.SummaryJson)))];
    }

    /// <summary>Removes the transcript's words (text and coded utterances); the numbers stay for the trend.</summary>
    public async Task<bool> DeleteWordsAsync(Guid id, CancellationToken cancellationToken = default)
    {
        var transcript = await db.SessionTranscripts.WhereViewerIsOnCareTeam(db.Viewer).FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
        if (transcript is null)
        {
            return false;
        }

        transcript.Content = null;
        transcript.ReportJson = null;
        transcript.Status = TranscriptStatus.Deleted;
        transcript.DeletedAt = clock.GetUtcNow().UtcDateTime;
        // Saved with the change, in one transaction: one entry naming every member whose session it was.
        await new AuditTrail(db).AddAsync(AuditAction.Delete, nameof(SessionTranscript), transcript.Id.ToString(), transcript.PracticeId,
            await TranscriptSubjectsAsync(db, transcript.EpisodeId, cancellationToken), "Transcript words deleted", cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    /// <summary>A transcript concerns every member of its episode (each consented to its analysis): each is a subject of its entries.</summary>
    internal static Task<List<Guid>> TranscriptSubjectsAsync(RapportDb db, Guid episodeId, CancellationToken cancellationToken) =>
        db.EpisodeMembers.AsNoTracking().Where(m => m.EpisodeId == episodeId).Select(m => m.ClientId).ToListAsync(cancellationToken);

    private static ListeningSummary? Summary(string? json) => json is null ? null : JsonSerializer.Deserialize<ListeningSummary>(json);
}
