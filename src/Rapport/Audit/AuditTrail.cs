using Rapport.Persistence;

namespace Rapport.Audit;

/// <summary>
/// Records reads (and other events that change no row) in the audit trail. Writes of clinical records are
/// recorded by <see cref="RapportDb"/> itself, in the same transaction as the write.
/// </summary>
public sealed class AuditTrail(RapportDb db)
{
    /// <summary>One entry per clinical read: call once per page or API response, after the data was found.</summary>
    public async Task RecordAsync(AuditAction action, string recordType, Guid recordId, Guid practiceId, Guid? clientId,
        string? reason = null, CancellationToken cancellationToken = default)
    {
        await db.AddAuditEntryAsync(action, recordType, recordId.ToString(), practiceId, clientId, reason, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
    }

    public Task RecordReadAsync(string recordType, Guid recordId, Guid practiceId, Guid? clientId, CancellationToken cancellationToken = default) =>
        RecordAsync(AuditAction.Read, recordType, recordId, practiceId, clientId, null, cancellationToken);
}
