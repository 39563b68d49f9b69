using Microsoft.EntityFrameworkCore;
using Rapport.Episodes;
using Rapport.Persistence;
using Rapport.Sessions;

namespace Rapport.Measures;

/// <summary>Loads what <see cref="MeasurementPlan.DueForMember"/> needs for one episode: the plan in force, the sessions and who attended.</summary>
public static class MeasurementPlanQueries
{
    public static async Task<MeasurementPlan.MemberSchedule> LoadScheduleAsync(RapportDb db, CareEpisode episode, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(episode);
        var practicePlan = await db.Practices.AsNoTracking().Where(p => p.Id == episode.PracticeId).Select(p => p.MeasurementPlan).FirstOrDefaultAsync(cancellationToken);
        var sessions = await db.Sessions.AsNoTracking().Where(s => s.EpisodeId == episode.Id)
            .Select(s => new MeasurementPlan.SessionSlot(s.Id, s.StartsAt, s.DurationMinutes, s.Status))
            .ToListAsync(cancellationToken);
        var attendees = (await db.Sessions.AsNoTracking()
                .Where(s => s.EpisodeId == episode.Id && s.Status == SessionStatus.Attended)
                .SelectMany(s => s.Attendees.Select(a => new { a.SessionId, a.ClientId }))
                .ToListAsync(cancellationToken))
            .ToLookup(a => a.SessionId, a => a.ClientId);
        return new MeasurementPlan.MemberSchedule(MeasurementPlan.For(episode.MeasurementPlan, practicePlan), sessions, attendees);
    }
}
