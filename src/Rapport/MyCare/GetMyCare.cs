using Microsoft.EntityFrameworkCore;
using Rapport.Audit;
using Rapport.Clients;
using Rapport.Episodes;
using Rapport.Persistence;
using Rapport.Progress;
using Rapport.Sessions;

namespace Rapport.MyCare;

/// <summary>
/// A client's own page: their therapist(s), their sessions, their own scores and progress (/me and /me/progress).
/// Nothing about any other person: only the client's own answers are read, also in a couple or group.
/// The client's own reads are audited too (one entry per view), so a practice can see a hijacked client account
/// at work; the client's "who has looked at my record" page lists staff only (docs/decisions/0007-audit-trail.md).
/// </summary>
[Audits(AuditedAs.ClientReads)]
public sealed class GetMyCare(RapportDb db, ExpectedModelCache expectedModels)
{
    private readonly AuditTrail _audit = new(db);

    public sealed record View(string DisplayName, IReadOnlyList<EpisodeView> Episodes);

    public sealed record EpisodeView(Guid Id, EpisodeFormat Format, EpisodeStatus Status, DateOnly StartedOn, DateOnly? EndedOn,
        IReadOnlyList<string> Therapists, IReadOnlyList<SessionView> Sessions, IReadOnlyList<ScoreView> MyScores, EpisodeProgress MyProgress);

    public sealed record SessionView(int Number, DateTime StartsAt, int DurationMinutes, SessionSetting Setting, SessionStatus Status);

    public sealed record ScoreView(string InstrumentId, DateTime SubmittedAt, int? Total);

    public async Task<View?> HandleAsync(CancellationToken cancellationToken = default)
    {
        if (db.Viewer.ClientId is not { } clientId)
        {
            return null;
        }

        var me = await db.Clients.AsNoTracking().FirstOrDefaultAsync(c => c.Id == clientId, cancellationToken);
        if (me is null)
        {
            return null;
        }

        var episodes = await ClientEpisodes.LoadAsync(db, clientId, cancellationToken);

        // The relationship filter returns only the client's own answers; the explicit ClientId keeps it obvious.
        var scores = await db.MeasureResponses.AsNoTracking()
            .Where(r => r.ClientId == clientId)
            .OrderBy(r => r.SubmittedAt)
            .Select(r => new { r.EpisodeId, View = new ScoreView(r.InstrumentId, r.SubmittedAt, r.Total), Answers = new ProgressResponse(r.InstrumentId, r.SubmittedAt, r.SessionId, r.Total, r.AnswersJson) })
            .ToListAsync(cancellationToken);

        var models = await ExpectedModels.LoadAsync(db, me.PracticeId, expectedModels, cancellationToken);
        await _audit.RecordReadAsync(nameof(Client), me.Id, me.PracticeId, me.Id, cancellationToken);
        // A couple or group session held without this client shows, to them, as not attended (MemberAttendance).
        return new View(me.DisplayName, [.. episodes.Select(e => new EpisodeView(e.Id, e.Format, e.Status, e.StartedOn, e.EndedOn, e.Therapists,
            [.. e.Sessions.Select(s => new SessionView(s.Number, s.StartsAt, s.DurationMinutes, s.Setting, s.MemberStatus))],
            [.. scores.Where(s => s.EpisodeId == e.Id).Select(s => s.View)],
            EpisodeProgress.Build([.. scores.Where(s => s.EpisodeId == e.Id).Select(s => s.Answers)],
                [.. e.Sessions.Select(s => new ProgressSession(s.Id, s.Number, s.MemberStatus))], models)))]);
    }
}
