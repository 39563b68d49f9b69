using Rapport.Persistence;

namespace Rapport.Audit;

/// <summary>
/// "Who has looked at my record": the staff who opened the signed-in client's record, newest first
/// (GDPR Art. 15 right of access; HIPAA 164.528 accounting of disclosures in spirit). The client's own
/// visits are in the trail too, but this view shows only staff.
/// </summary>
[NotAudited("The signed-in client's own access list: who looked and when, no clinical data")]
public sealed class GetRecordAccess(RapportDb db)
{
    public sealed record Row(string StaffName, string Role, AuditAction Action, DateTime At, string? Reason, string RecordType);

    public async Task<IReadOnlyList<Row>?> HandleAsync(int limit = 200, CancellationToken cancellationToken = default)
    {
        if (db.Viewer.ClientId is not { } clientId || db.Viewer.PracticeId is not { } practiceId)
        {
            return null;
        }

        // Never the entry's other subjects: a dashboard's entry names the whole caseload, this shows only that it happened.
        var entries = await AuditEntriesConcerning.StaffAccessAsync(db, clientId, practiceId, limit, null, cancellationToken);
        return [.. entries.Select(e => new Row(e.ActorName, e.ActorRole, e.Action, DateTime.SpecifyKind(e.At, DateTimeKind.Utc), e.Reason, e.RecordType))];
    }
}
