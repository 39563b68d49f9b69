namespace Rapport.CheckIns;

/// <summary>
/// Answers given so far to one instrument of a check-in, saved after every question so a client can stop and come
/// back (a phone call, a lost signal). One per client, episode and instrument; removed when the instrument is submitted.
/// Only the client sees it: a half-finished questionnaire is not a clinical record.
/// </summary>
public sealed class CheckInDraft
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid PracticeId { get; init; }
    public Guid EpisodeId { get; init; }
    public Guid ClientId { get; init; }
    public required string InstrumentId { get; init; }

    /// <summary>linkId → weight, JSON.</summary>
    public string AnswersJson { get; set; } = "{}";
    public DateTime UpdatedAt { get; set; }
    public Guid Version { get; set; } = Guid.NewGuid();
}

/// <summary>"Before our next session I want you to know…": a few words from a client to their care team.</summary>
public sealed class ClientNote
{
    public const int MaxLength = 2000;

    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid PracticeId { get; init; }
    public Guid EpisodeId { get; init; }
    public Guid ClientId { get; init; }

    // Free text is the most sensitive thing Rapport holds: encrypted at rest; never log it, never put it in an email.
    [Rapport.Privacy.Encrypted]
    public required string Text { get; init; }
    public DateTime WrittenAt { get; init; }

    /// <summary>When a therapist marked it read; unread notes are listed on the dashboard.</summary>
    public DateTime? ReadAt { get; set; }
    public Episodes.CareEpisode? Episode { get; init; }
}
