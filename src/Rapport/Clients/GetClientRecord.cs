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
public sealed class GetClientRecord(RapportDb db, ExpectedModelCache? expectedModels = null)
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
            return null;
        }

        // Episodes pass the relationship filter, so an admin (who may see the client's account) sees none.
        var episodes = await ClientEpisodes.LoadAsync(db, clientId, cancellationToken);
        if (episodes.Count == 0)
        {
            return null;
        }

        // What only the care team reads about an episode: its title, the referral and how many others are in it.
        var ids = episodes.Select(e => e.Id).ToList();
        var staffOnly = await db.Episodes.AsNoTracking().Where(e => ids.Contains(e.Id))
            .Select(e => new { e.Id, e.Title, e.ReferralReason, OtherMembers = e.Members.Count(m => m.ClientId != clientId) })
            .ToDictionaryAsync(e => e.Id, cancellationToken);
        var scores = await db.MeasureResponses.AsNoTracking()
            .Where(r => r.ClientId == clientId && ids.Contains(r.EpisodeId))
            .OrderBy(r => r.SubmittedAt)
            .Select(r => new { r.EpisodeId, View = new ScoreView(r.InstrumentId, r.SubmittedAt, r.Total), Answers = new ProgressResponse(r.InstrumentId, r.SubmittedAt, r.SessionId, r.Total, r.AnswersJson) })
            .ToListAsync(cancellationToken);

        var models = await ExpectedModels.LoadAsync(db, client.PracticeId, expectedModels, cancellationToken);
        await _audit.RecordReadAsync(nameof(Client), client.Id, client.PracticeId, client.Id, cancellationToken);
        return new Record(client.Id, client.DisplayName, client.DateOfBirth, [.. episodes.Select(e => new EpisodeView(
            e.Id, staffOnly[e.Id].Title, e.Format, e.Status, staffOnly[e.Id].ReferralReason, e.StartedOn, e.EndedOn, e.Therapists, staffOnly[e.Id].OtherMembers,
            [.. e.Sessions.Select(s => new SessionView(s.Id, s.Number, s.StartsAt, s.DurationMinutes, s.Setting, s.Status))],
            [.. scores.Where(s => s.EpisodeId == e.Id).Select(s => s.View)],
            EpisodeProgress.Build([.. scores.Where(s => s.EpisodeId == e.Id).Select(s => s.Answers)],
                [.. e.Sessions.Select(s => new ProgressSession(s.Id, s.Number, s.MemberStatus))], models)))]);
    }
}
