namespace Rapport.Audit;

/// <summary>What a feature leaves in the audit trail (see <see cref="AuditsAttribute"/>).</summary>
[Flags]
public enum AuditedAs
{
    /// <summary>Each client whose record (or part of it) it returns gets a Read entry naming them, so it shows in their access list.</summary>
    ClientReads = 1,

    /// <summary>Its changes are audited by <c>RapportDb</c> in the same transaction, as <see cref="AuditedRecords"/> declares per record type.</summary>
    Writes = 2,

    /// <summary>A read refused for want of a relationship (answered "not found") is one Refused entry: who tried which id, naming no client.</summary>
    RefusedReads = 4,

    /// <summary>
    /// Shown only as a part of the client's page or of the client's own pages, whose feature writes the read entry for
    /// that page view (GetClientRecord, GetMyCare, GetWhatIShared): one entry per page, not one per panel.
    /// </summary>
    PartOfClientRecord = 8,
}

/// <summary>
/// The audit a feature declares, as microsoft/fhir-server's actions declare their audit event type: every class that
/// takes a <c>RapportDb</c> carries this or <see cref="NotAuditedAttribute"/>, and
/// <c>DeclaredAuditTests.EveryFeature_DeclaresItsAudit</c> fails for one that carries neither, so a new feature
/// cannot return or change clinical data without someone deciding what it leaves in the trail.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class AuditsAttribute(AuditedAs what) : Attribute
{
    public AuditedAs What { get; } = what;
}

/// <summary>A feature that returns and changes no clinical data, or runs only as the system viewer; the reason says which.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class NotAuditedAttribute(string reason) : Attribute
{
    public string Reason { get; } = reason;
}
