using Rapport.Episodes;
using Rapport.Privacy;

namespace Rapport.Listening;

public enum TranscriptStatus
{
    Queued,
    Analysed,
    Failed,
    Deleted,
}

/// <summary>
/// A session transcript uploaded by the therapist, with the client's recorded consent, for feedback on how they
/// listen. The text and the coded report are psychotherapy-note-like content (HIPAA 164.501): care team and
/// supervisors only, never the client portal or an admin. Deleting it removes the words and keeps the numbers.
/// </summary>
public sealed class SessionTranscript : Jobs.ILeasedJob
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid PracticeId { get; init; }
    public Guid EpisodeId { get; init; }
    public Guid SessionId { get; init; }

    /// <summary>The therapist whose listening is analysed (the one who uploaded it).</summary>
    public Guid TherapistId { get; init; }
    /// <summary>The uploaded file's name, as the therapist saved it: it often names the client, so it is encrypted at rest.</summary>
    [Encrypted]
    public required string FileName { get; set; }
    public required string Format { get; init; }
    public string? TherapistSpeaker { get; init; }
    public DateTime UploadedAt { get; init; }
    public DateTime? AnalysedAt { get; set; }
    public TranscriptStatus Status { get; set; }
    public string? Error { get; set; }

    /// <summary>The decoded transcript text, encrypted at rest. Null once deleted.</summary>
    [Encrypted]
    public string? Content { get; set; }

    /// <summary>The coded utterances, summary and missed moments (the `rapport listen analyze` document), encrypted at rest. Null once deleted.</summary>
    [Encrypted]
    public string? ReportJson { get; set; }

    /// <summary>Numbers only (no words): kept when the transcript is deleted, for the therapist's trend.</summary>
    public string? SummaryJson { get; set; }
    public DateTime? DeletedAt { get; set; }

    /// <summary>The instance analysing it right now (<see cref="Jobs.JobLease"/>); a lapsed lease lets another instance take it over.</summary>
    public string? LeaseOwner { get; set; }
    public DateTime? LeaseExpiresAt { get; set; }
    public Guid Version { get; set; } = Guid.NewGuid();
    public CareEpisode? Episode { get; init; }
}
