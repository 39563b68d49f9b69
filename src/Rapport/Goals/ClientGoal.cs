namespace Rapport.Goals;

/// <summary>Where a goal stands, in the client's terms.</summary>
public enum GoalStatus
{
    WorkingOnIt,
    Achieved,
    Dropped,
}

/// <summary>
/// A goal in the client's own words, for one episode: the client writes and edits it; their care team reads it.
/// Never a partner's or a group member's to see (the query filter in RapportDb).
/// </summary>
public sealed class ClientGoal
{
    public const int MaxLength = 300;

    /// <summary>Enough to say what matters; more is a list the client cannot keep track of on a phone.</summary>
    public const int MaxOpen = 5;

    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid PracticeId { get; init; }
    public Guid EpisodeId { get; init; }
    public Guid ClientId { get; init; }

    // The client's own words: encrypted at rest like every free text.
    [Rapport.Privacy.Encrypted]
    public required string Text { get; set; }
    public GoalStatus Status { get; set; }
    public DateTime SetAt { get; init; }
    public DateTime UpdatedAt { get; set; }

    /// <summary>When it was marked achieved or dropped; null while the client is working on it.</summary>
    public DateTime? ClosedAt { get; set; }
    public Guid Version { get; set; } = Guid.NewGuid();
    public Episodes.CareEpisode? Episode { get; init; }
}
