namespace Rapport.Audit;

/// <summary>
/// One client of an entry that concerned several (<see cref="AuditEntry.Subjects"/>): the look-up a client's access list
/// reads. Derived from the hash-chained entries by <see cref="IndexAuditSubjects"/> and rebuildable from them, so it is
/// not itself the record: an entry newer than <see cref="AuditSubjectWatermark"/> is found by reading the entry.
/// </summary>
public sealed class AuditEntrySubject
{
    public Guid ClientId { get; init; }
    public Guid PracticeId { get; init; }

    /// <summary>The entry's place in its practice's chain (unique with <see cref="PracticeId"/>).</summary>
    public long Sequence { get; init; }
}

/// <summary>How far a practice's chain has been indexed into <see cref="AuditEntrySubject"/> rows: every entry up to this sequence.</summary>
public sealed class AuditSubjectWatermark
{
    public Guid PracticeId { get; init; }
    public long Sequence { get; set; }
}
