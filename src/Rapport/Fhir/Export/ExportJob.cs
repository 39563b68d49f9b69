using Rapport.Jobs;
using Rapport.Privacy;

namespace Rapport.Fhir.Export;

public enum ExportStatus
{
    Queued,
    Running,
    Completed,
    Failed,
    Cancelled,
}

/// <summary>
/// One Bulk Data <c>$export</c> a connected system asked for: a row a worker claims (<see cref="JobLease"/>), works
/// through in batches of patients (keyset order, <see cref="Cursor"/> after each batch, so a new holder resumes where
/// the last stopped) and completes. Its files and the row are deleted after <see cref="ExpiresAt"/> or on DELETE.
/// </summary>
public sealed class ExportJob : ILeasedJob
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid PracticeId { get; init; }

    /// <summary>The requester: only this system polls it and downloads its files.</summary>
    public Guid ConnectedSystemId { get; init; }

    /// <summary>The kick-off URL as sent (the manifest's <c>request</c>).</summary>
    public required string RequestUrl { get; init; }

    /// <summary>The resource types asked for (space-separated), already narrowed to what the system's scopes allow.</summary>
    public required string Types { get; init; }

    public DateTime? Since { get; init; }

    /// <summary>De-identified (asked for with <c>_deidentify=true</c>, or always for a research system).</summary>
    public bool Deidentified { get; init; }

    public ExportStatus Status { get; set; }
    public DateTime RequestedAt { get; init; }

    /// <summary>When the export began reading (the manifest's <c>transactionTime</c>).</summary>
    public DateTime? TransactionTime { get; set; }

    public DateTime? CompletedAt { get; set; }
    public DateTime ExpiresAt { get; set; }
    public string? Error { get; set; }

    public string? LeaseOwner { get; set; }
    public DateTime? LeaseExpiresAt { get; set; }

    /// <summary>The last patient (client id, keyset order) whose batch is committed; null before the first.</summary>
    public Guid? Cursor { get; set; }

    /// <summary>Batches committed; files of a later batch are a crashed holder's leftovers and are deleted on resume.</summary>
    public int BatchesDone { get; set; }

    public int Attempts { get; set; }
}

/// <summary>One NDJSON file of an export: one resource type, one batch. The content is clinical data, so it is encrypted at rest.</summary>
public sealed class ExportFile
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid JobId { get; init; }
    public Guid PracticeId { get; init; }
    public Guid ConnectedSystemId { get; init; }
    public required string Type { get; init; }
    public int Batch { get; init; }
    public int Count { get; init; }

    [Encrypted]
    public required string Content { get; init; }
}
