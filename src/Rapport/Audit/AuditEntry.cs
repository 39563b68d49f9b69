namespace Rapport.Audit;

public enum AuditAction
{
    Read,
    Create,
    Update,
    Delete,
    BreakGlass,
    Export,

    /// <summary>A read refused because the viewer has no relationship to the record (answered as not found). Names no client.</summary>
    Refused,
}

/// <summary>
/// One line of the audit trail (HIPAA 45 CFR 164.312(b) audit controls; GDPR Art. 5(2) accountability and
/// Art. 32(1)(b) integrity). Entries are append-only and hash-chained per practice: each carries the hash of the
/// practice's previous entry, so an edited, inserted or removed entry breaks the chain and
/// <c>rapport audit verify</c> names it.
/// </summary>
public sealed class AuditEntry
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid PracticeId { get; init; }

    /// <summary>1, 2, 3… within the practice; unique, so two concurrent appends cannot both take the same place in the chain.</summary>
    public long Sequence { get; set; }

    public string? UserId { get; init; }
    public required string ActorName { get; init; }

    /// <summary>Therapist, Supervisor, PracticeAdmin (comma-separated when several), Client, System or ConnectedSystem.</summary>
    public required string ActorRole { get; init; }

    public AuditAction Action { get; init; }
    public required string RecordType { get; init; }
    public required string RecordId { get; init; }

    /// <summary>The client the record concerns, so a client can be shown who has looked at their record.</summary>
    public Guid? ClientId { get; init; }

    /// <summary>
    /// The clients one event concerned when it concerned several (a dashboard, a couple's episode, a FHIR search, an
    /// export batch): their ids, sorted, in the "N" form, separated by spaces; <see cref="ClientId"/> is then null. One
    /// entry per view rather than one per client keeps an audited dashboard one row, not a hundred random index
    /// insertions; each client still finds the entry in their access list through <see cref="AuditEntrySubject"/>.
    /// </summary>
    public string? Subjects { get; init; }

    /// <summary>UTC, truncated to microseconds so it round-trips through PostgreSQL unchanged and the hash still verifies.</summary>
    public DateTime At { get; init; }

    public string? IpAddress { get; init; }
    public string? UserAgent { get; init; }
    public string? Reason { get; init; }
    public required string PreviousHash { get; set; }
    public required string Hash { get; set; }

    public const string ClientRole = "Client";

    /// <summary>The actor name of every entry a client's own action writes: never their name (see RapportDb.ActorAsync).</summary>
    public const string ClientActorName = "A client";
    public const string SystemRole = "System";

    /// <summary>The role of a registered system's entries (SMART Backend Services); its id is in <see cref="UserId"/>.</summary>
    public const string ConnectedSystemRole = "ConnectedSystem";

    public static string ConnectedSystemUserId(Guid systemId) => $"system:{systemId}";
}
