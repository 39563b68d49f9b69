using Rapport.Episodes;

namespace Rapport.Sessions;

public enum SessionSetting
{
    InPerson,
    Video,
    Phone,
}

public enum SessionStatus
{
    Scheduled,
    Attended,
    Cancelled,
    DidNotAttend,
}

/// <summary>A therapy session of an episode: when, how long, in person or by video, who attended.</summary>
public sealed class Session
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid PracticeId { get; init; }
    public Guid EpisodeId { get; init; }
    public int Number { get; set; }
    public DateTime StartsAt { get; set; }
    public int DurationMinutes { get; set; } = 50;
    public SessionSetting Setting { get; set; }
    public SessionStatus Status { get; set; }
    public Guid Version { get; set; } = Guid.NewGuid();
    public CareEpisode? Episode { get; init; }
    public List<SessionAttendee> Attendees { get; init; } = [];
}

public sealed class SessionAttendee
{
    public Guid SessionId { get; init; }
    public Guid ClientId { get; init; }
}
