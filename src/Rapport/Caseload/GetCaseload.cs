using Microsoft.EntityFrameworkCore;
using Rapport.Episodes;
using Rapport.Persistence;
using Rapport.Sessions;

namespace Rapport.Caseload;

/// <summary>A therapist's clients (and, for a supervisor, their supervisees' clients), one row per client and active episode.</summary>
public sealed class GetCaseload(RapportDb db, TimeProvider clock)
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
        IReadOnlyList<string> Therapists);

    public async Task<IReadOnlyList<Row>> HandleAsync(CancellationToken cancellationToken = default)
    {
        var staffId = db.Viewer.StaffMemberId;
        if (staffId is null)
        {
            return [];
        }

        var now = clock.GetUtcNow().UtcDateTime;
        // The relationship filter already limits episodes to the viewer's own and their supervisees'.
        var rows = await db.EpisodeMembers
            .Where(m => m.Episode!.Status != EpisodeStatus.Ended)
            .Where(m => db.Episodes.Any(e => e.Id == m.EpisodeId))
            .Select(m => new
            {
                m.ClientId,
                ClientName = m.Client!.DisplayName,
                m.EpisodeId,
                m.Episode!.Title,
                m.Episode.Format,
                Own = m.Episode.CareTeam.Any(t => t.StaffMemberId == staffId),
                Therapists = m.Episode.CareTeam.Select(t => t.StaffMember!.DisplayName).ToList(),
                Next = m.Episode.Sessions.Where(s => s.Status == SessionStatus.Scheduled && s.StartsAt >= now).Min(s => (DateTime?)s.StartsAt),
                Last = m.Episode.Sessions.Where(s => s.Status == SessionStatus.Attended).Max(s => (DateTime?)s.StartsAt),
                LatestPhq9 = db.MeasureResponses
                    .Where(r => r.EpisodeId == m.EpisodeId && r.ClientId == m.ClientId && r.InstrumentId == "phq-9")
                    .OrderByDescending(r => r.SubmittedAt)
                    .Select(r => r.Total)
                    .FirstOrDefault(),
            })
            .ToListAsync(cancellationToken);

        return [.. rows
            .OrderBy(r => !r.Own)
            .ThenBy(r => r.Next ?? DateTime.MaxValue)
            .ThenBy(r => r.ClientName, StringComparer.Ordinal)
            .Select(r => new Row(r.ClientId, r.ClientName, r.EpisodeId, r.Title, r.Format, r.Next, r.Last, r.LatestPhq9, !r.Own, r.Therapists))];
    }
}
