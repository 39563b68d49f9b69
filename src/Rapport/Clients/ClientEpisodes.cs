using Microsoft.EntityFrameworkCore;
using Rapport.Episodes;
using Rapport.Persistence;
using Rapport.Sessions;

namespace Rapport.Clients;

/// <summary>
/// One client's episodes as the viewer may see them (the relationship filters apply), newest first, each with its
/// therapists and its sessions as this client lived them (<see cref="MemberAttendance"/>). The one projection the
/// client record, My care and the export share; nothing here names another member.
/// </summary>
public static class ClientEpisodes
{
    public sealed record Episode(Guid Id, EpisodeFormat Format, EpisodeStatus Status, DateOnly StartedOn, DateOnly? EndedOn,
        IReadOnlyList<string> Therapists, IReadOnlyList<Session> Sessions);

    /// <summary>A session of the episode: <paramref name="Status"/> is the session's own, <paramref name="MemberStatus"/> this client's.</summary>
    public sealed record Session(Guid Id, int Number, DateTime StartsAt, int DurationMinutes, SessionSetting Setting, SessionStatus Status, SessionStatus MemberStatus);

    public static async Task<IReadOnlyList<Episode>> LoadAsync(RapportDb db, Guid clientId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        // Only this client's record: a break-glass grant for their partner or a group member opens nothing here.
        var episodes = await db.EpisodesInRecordOf(clientId).AsNoTracking()
            .OrderByDescending(e => e.StartedOn)
            .Select(e => new
            {
                e.Id,
                e.Format,
                e.Status,
                e.StartedOn,
                e.EndedOn,
                Therapists = e.CareTeam.Select(t => t.StaffMember!.DisplayName).ToList(),
                Sessions = e.Sessions.OrderBy(s => s.StartsAt)
                    .Select(s => new { s.Id, s.Number, s.StartsAt, s.DurationMinutes, s.Setting, s.Status, Recorded = s.Attendees.Any(), WasThere = s.Attendees.Any(a => a.ClientId == clientId) })
                    .ToList(),
            })
            .ToListAsync(cancellationToken);
        return [.. episodes.Select(e => new Episode(e.Id, e.Format, e.Status, e.StartedOn, e.EndedOn, e.Therapists,
            [.. e.Sessions.Select(s => new Session(s.Id, s.Number, s.StartsAt, s.DurationMinutes, s.Setting, s.Status,
                MemberAttendance.StatusFor(s.Status, s.Recorded, s.WasThere)))]))];
    }
}
