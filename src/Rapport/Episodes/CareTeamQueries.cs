using Rapport.Access;
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
}
