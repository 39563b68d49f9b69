using Microsoft.EntityFrameworkCore;
using Rapport.Audit;
using Rapport.Episodes;
using Rapport.Persistence;
using Rapport.Progress;
using Rapport.Sessions;

namespace Rapport.Clients;

/// <summary>
/// The therapist's view of one client: every episode over the years they may see, its sessions, and the
/// client's own scores and their progress (charts, change categories, item answers; only this client's answers, also
/// in a couple or group). Returns null when the viewer has no care relationship (the caller answers 404).
/// Every record returned is one "read" entry in the audit trail (HIPAA 164.312(b)), written before the data leaves.
/// </summary>
[Audits(AuditedAs.ClientReads | AuditedAs.RefusedReads)]
public sealed class GetClientRecord(RapportDb db, ExpectedModelCache expectedModels)
{
    private readonly AuditTrail _audit = new(db);

    public sealed record Record(Guid Id, string DisplayName, DateOnly? DateOfBirth, IReadOnlyList<EpisodeView> Episodes);

    public sealed record EpisodeView(
        Guid Id,
        string Title,
        EpisodeFormat Format,
        EpisodeStatus Status,
        string? ReferralReason,
        DateOnly StartedOn,
        DateOnly? EndedOn,
        IReadOnlyList<string> Therapists,
        int OtherMembers,
        IReadOnlyList<SessionView> Sessions,
        IReadOnlyList<ScoreView> Scores,
        EpisodeProgress Progress);

    public sealed record SessionView(Guid Id, int Number, DateTime StartsAt, int DurationMinutes, SessionSetting Setting, SessionStatus Status);

    public sealed record ScoreView(string InstrumentId, DateTime SubmittedAt, int? Total);

    public async Task<Record?> HandleAsync(Guid clientId, CancellationToken cancellationToken = default)
    {
        if (!db.Viewer.IsStaff && !db.Viewer.IsSystem)
        {
            return null;
        }

        var client = await db.Clients.AsNoTracking().FirstOrDefaultAsync(c => c.Id == clientId, cancellationToken);
        if (client is null)
        {
            await _audit.RecordRefusedAsync(nameof(Client), clientId, cancellationToken);
            return null;
        }

        // Only this client's record: an admin (who may see the client's account) sees no episode without a live grant
        // for THIS client; a grant for their partner or a group member opens nothing here (RapportDb.EpisodesInRecordOf).
        var episodes = await ClientEpisodes.LoadAsync(db, clientId, cancellationToken);
        if (episodes.Count == 0)
        {
            await _audit.RecordRefusedAsync(nameof(Client), clientId, cancellationToken);
            return null;
        }

        // What only the care team reads about an episode: its title, the referral and how many others are in it.
        // Read by break-glass alone, a shared episode shows only what is this client's: its title and referral reason are
        // about every member (and often name them), and sessions only others came to are theirs.
        var ids = episodes.Select(e => e.Id).ToList();
        var careEpisodes = db.EpisodeIdsInViewersCare;
        var isSystem = db.Viewer.IsSystem;
        var staffOnly = await db.Episodes.AsNoTracking().Where(e => ids.Contains(e.Id))
            .Select(e => new
            {
                e.Id,
                e.Title,
                e.ReferralReason,
                OtherMembers = e.Members.Count(m => m.ClientId != clientId),
                Withheld = !isSystem && e.Members.Any(m => m.ClientId != clientId) && !careEpisodes.Contains(e.Id),
            })
            .ToDictionaryAsync(e => e.Id, cancellationToken);
        episodes = [.. episodes.Select(e => staffOnly[e.Id].Withheld
            ? e with { Sessions = [.. e.Sessions.Where(s => !(s.Status == SessionStatus.Attended && s.MemberStatus == SessionStatus.DidNotAttend))] }
            : e)];
        var scores = await db.MeasureResponses.AsNoTracking()
            .Where(r => r.ClientId == clientId && ids.Contains(r.EpisodeId))
            .OrderBy(r => r.SubmittedAt)
            .Select(r => new { r.EpisodeId, View = new ScoreView(r.InstrumentId, r.SubmittedAt, r.Total), Answers = new ProgressResponse(r.InstrumentId, r.SubmittedAt, r.SessionId, r.Total, r.AnswersJson) })
            .ToListAsync(cancellationToken);

        var models = await ExpectedModels.LoadAsync(db, client.PracticeId, expectedModels, cancellationToken);
        await _audit.RecordReadAsync(nameof(Client), client.Id, client.PracticeId, client.Id, cancellationToken);
        return new Record(client.Id, client.DisplayName, client.DateOfBirth, [.. episodes.Select(e => new EpisodeView(
            e.Id, staffOnly[e.Id].Withheld ? WithheldTitle(e.Format) : staffOnly[e.Id].Title, e.Format, e.Status,
            staffOnly[e.Id].Withheld ? null : staffOnly[e.Id].ReferralReason, e.StartedOn, e.EndedOn, e.Therapists, staffOnly[e.Id].OtherMembers,
            [.. e.Sessions.Select(s => new SessionView(s.Id, s.Number, s.StartsAt, s.DurationMinutes, s.Setting, s.Status))],
            [.. scores.Where(s => s.EpisodeId == e.Id).Select(s => s.View)],
            EpisodeProgress.Build([.. scores.Where(s => s.EpisodeId == e.Id).Select(s => s.Answers)],
                [.. e.Sessions.Select(s => new ProgressSession(s.Id, s.Number, s.MemberStatus))], models)))]);
    }

    /// <summary>What an emergency (break-glass) reader sees instead of a shared episode's own title.</summary>
    public static string WithheldTitle(EpisodeFormat format) => $"{format} therapy (title not shown under emergency access: it concerns other members too)";
}
