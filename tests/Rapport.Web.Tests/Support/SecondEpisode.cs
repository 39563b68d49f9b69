using Microsoft.EntityFrameworkCore;
using Rapport.Episodes;
using Rapport.Sessions;

namespace Rapport.Web.Tests.Support;

/// <summary>A couple member who is also in individual work with another therapist: two active episodes at once.</summary>
public static class SecondEpisode
{
    /// <summary>Adds an individual episode for <paramref name="clientEmail"/> with <paramref name="therapistEmail"/>,
    /// started last week, with a session tomorrow (so its check-in is due). Returns the couple and the new episode.</summary>
    public static async Task<(Guid Couple, Guid Individual)> AddAsync(RapportApp app, string clientEmail, string therapistEmail)
    {
        await using var db = app.SystemDb();
        var client = await db.Clients.SingleAsync(c => c.Email == clientEmail);
        var couple = await db.EpisodeMembers.Where(m => m.ClientId == client.Id && m.Episode!.Format == EpisodeFormat.Couple).Select(m => m.EpisodeId).SingleAsync();
        var therapist = await db.StaffMembers.SingleAsync(s => s.Email == therapistEmail);
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
        episode.Sessions.Add(new Session { PracticeId = client.PracticeId, EpisodeId = episode.Id, Number = 1, StartsAt = DateTime.UtcNow.AddDays(1), Status = SessionStatus.Scheduled });
        db.Episodes.Add(episode);
        await db.SaveChangesAsync();
        return (couple, episode.Id);
    }
}
