using Microsoft.EntityFrameworkCore;
using Rapport.Access;
using Rapport.Persistence;
using Rapport.Listening;
using Rapport.Sessions;

namespace Rapport.Episodes;

/// <summary>
/// "The viewer is on this care team", not as a supervisor: for what only the treating team does (record a session,
/// start an in-room check-in, invite a member, edit the measurement plan, upload or delete a transcript). The
/// relationship filter alone would also let a supervisor, or an admin under break-glass, reach these episodes.
/// </summary>
public static class CareTeamQueries
{
    public static IQueryable<CareEpisode> WhereViewerIsOnCareTeam(this IQueryable<CareEpisode> episodes, Viewer viewer)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        var staffId = viewer.StaffMemberId;
        return episodes.Where(e => e.CareTeam.Any(t => t.StaffMemberId == staffId));
    }

    public static IQueryable<Session> WhereViewerIsOnCareTeam(this IQueryable<Session> sessions, Viewer viewer)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        var staffId = viewer.StaffMemberId;
        return sessions.Where(s => s.Episode!.CareTeam.Any(t => t.StaffMemberId == staffId));
    }

    public static IQueryable<SessionTranscript> WhereViewerIsOnCareTeam(this IQueryable<SessionTranscript> transcripts, Viewer viewer)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        var staffId = viewer.StaffMemberId;
        return transcripts.Where(t => t.Episode!.CareTeam.Any(c => c.StaffMemberId == staffId));
    }

    /// <summary>
    /// The episodes on the viewer's caseload: those whose care team holds the viewer or someone they supervise. A query
    /// over many records starts from these ids (the care-team index), so its cost follows the caseload, not the size of
    /// the practice: the relationship filter's EXISTS over the care team, left to itself, reads every episode of the
    /// practice (PostgreSQL at 1 M responses: a sequential scan of 1.2 M rows, 4-6 s, docs/performance.md).
    /// The relationship filters still apply on top; this only narrows.
    /// </summary>
    public static async Task<IQueryable<Guid>> CaseloadEpisodeIdsAsync(this RapportDb db, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        // The team's ids are loaded first so the caseload query passes them as values to the care-team index.
        var team = await db.ViewerTeam.ToListAsync(cancellationToken);
        return db.EpisodeTherapists.Where(t => team.Contains(t.StaffMemberId)).Select(t => t.EpisodeId);
    }
}
