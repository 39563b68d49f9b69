using Rapport.Persistence;

namespace Rapport.Audit;

/// <summary>
/// Records reads (and other events that change no row) in the audit trail. Writes of clinical records are
/// recorded by <see cref="RapportDb"/> itself, in the same transaction as the write (see <see cref="AuditedRecords"/>).
/// </summary>
[NotAudited("Writes the trail itself")]
public sealed class AuditTrail(RapportDb db)
{
    /// <summary>What a refused read's entry says: the same words whether the record does not exist or is not the viewer's, as the 404 does.</summary>
    public const string RefusedReason = "Not found or no care relationship";

    /// <summary>One entry per clinical read: call once per page or API response, after the data was found.</summary>
    public async Task RecordAsync(AuditAction action, string recordType, Guid recordId, Guid practiceId, Guid? clientId,
        string? reason = null, CancellationToken cancellationToken = default)
    {
        await db.AddAuditEntryAsync(action, recordType, recordId.ToString(), practiceId, clientId, reason, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
    }

    public Task RecordReadAsync(string recordType, Guid recordId, Guid practiceId, Guid? clientId, CancellationToken cancellationToken = default) =>
        RecordAsync(AuditAction.Read, recordType, recordId, practiceId, clientId, null, cancellationToken);

    /// <summary>
    /// The read of one view that showed these clients (a dashboard, a couple's episode, a transcript): one entry naming
    /// them all, so each finds it in their access list, stored by one SaveChanges. Nothing is written when it showed no one.
    /// </summary>
    public async Task RecordReadsAsync(string recordType, string recordId, Guid practiceId, IEnumerable<Guid> shown, CancellationToken cancellationToken = default)
    {
        if (await AddAsync(AuditAction.Read, recordType, recordId, practiceId, shown, null, cancellationToken))
        {
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    /// <summary>Adds the entry of an event concerning these clients without saving: the caller's own SaveChanges stores it with its change, in one transaction.</summary>
    public async Task<bool> AddAsync(AuditAction action, string recordType, string recordId, Guid practiceId, IEnumerable<Guid> subjects,
        string? reason = null, CancellationToken cancellationToken = default) =>
        await db.AddAuditEntryConcerningAsync(action, recordType, recordId, practiceId, subjects, reason, cancellationToken) is not null;

    /// <summary>
    /// A read the viewer was refused (no such record, or no relationship to it: the caller cannot tell which, and
    /// neither does this entry). One entry per refused request, in the viewer's own practice's chain, naming who tried
    /// and the id they asked for but no client, so no one's name or existence is written down because of a probe.
    /// </summary>
    public async Task RecordRefusedAsync(string recordType, Guid requestedId, CancellationToken cancellationToken = default)
    {
        if (db.Viewer.IsSystem || db.Viewer.PracticeId is not { } practiceId)
        {
            return;
        }

        await db.AddAuditEntryAsync(AuditAction.Refused, recordType, requestedId.ToString(), practiceId, null, RefusedReason, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
    }
}
