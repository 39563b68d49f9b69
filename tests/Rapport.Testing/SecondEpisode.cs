using Microsoft.EntityFrameworkCore;
using Rapport.Episodes;
using Rapport.Persistence;
using Rapport.Sessions;

namespace Rapport.Testing;

/// <summary>A couple member who is also in individual work with another therapist: two active episodes at once.</summary>
public static class SecondEpisode
{
    /// <summary>
    /// Adds an individual episode for <paramref name="clientEmail"/> with <paramref name="therapistEmail"/>, started last
    /// week, with a session tomorrow unless <paramref name="scheduleNext"/> is false (so its check-in is due), next to
    /// their couple work. <paramref name="system"/> is a context that sees everything. Returns the couple and the new episode.
    /// </summary>
    public static async Task<(Guid Couple, Guid Individual)> AddAsync(RapportDb system, string clientEmail, string therapistEmail, bool scheduleNext = true)
    {
        ArgumentNullException.ThrowIfNull(system);
        var client = await system.Clients.SingleAsync(c => c.Email == clientEmail);
        var couple = await system.EpisodeMembers.Where(m => m.ClientId == client.Id && m.Episode!.Format == EpisodeFormat.Couple).Select(m => m.EpisodeId).SingleAsync();
        var therapist = await system.StaffMembers.SingleAsync(s => s.Email == therapistEmail);
        var started = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(-7));
        var episode = new CareEpisode
        {
            PracticeId = client.PracticeId,
            Title = $"Individual work with {client.DisplayName}",
            Format = EpisodeFormat.Individual,
            Status = EpisodeStatus.Active,
            StartedOn = started,
        };
        episode.CareTeam.Add(new EpisodeTherapist { EpisodeId = episode.Id, StaffMemberId = therapist.Id, IsLead = true });
        episode.Members.Add(new EpisodeMember { EpisodeId = episode.Id, ClientId = client.Id, JoinedOn = started });
        if (scheduleNext)
        {
            episode.Sessions.Add(new Session { PracticeId = client.PracticeId, EpisodeId = episode.Id, Number = 1, StartsAt = DateTime.UtcNow.AddDays(1), Status = SessionStatus.Scheduled });
        }

        system.Episodes.Add(episode);
        await system.SaveChangesAsync();
        return (couple, episode.Id);
    }
}
