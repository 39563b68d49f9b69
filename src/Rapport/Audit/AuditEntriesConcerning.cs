using Microsoft.EntityFrameworkCore;
using Rapport.Persistence;

namespace Rapport.Audit;

/// <summary>
/// The one query for "the entries that concern this client", behind "Who has looked at my record" and FHIR AuditEvent:
/// entries naming the client alone (<see cref="AuditEntry.ClientId"/>), entries naming them among others through the
/// subject look-up (<see cref="AuditEntrySubject"/>), and entries newer than the look-up's watermark read directly, so
/// an event shows at once, before the indexing job has run.
/// </summary>
public static class AuditEntriesConcerning
{
    /// <summary>How <see cref="AuditEntry.Subjects"/> writes the clients: sorted ids, "N" form, space-separated.</summary>
    public static string Format(IEnumerable<Guid> clients) => string.Join(' ', clients.Order().Select(c => c.ToString("N")));

    public static IReadOnlyList<Guid> Parse(string? subjects) =>
        subjects is null ? [] : [.. subjects.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(s => Guid.ParseExact(s, "N"))];

    /// <summary>
    /// What staff and connected systems did that concerned the client (not the client's own visits, not system
    /// maintenance), newest first, at most <paramref name="limit"/>; with <paramref name="entryId"/>, only that entry.
    /// </summary>
    public static async Task<IReadOnlyList<AuditEntry>> StaffAccessAsync(RapportDb db, Guid clientId, Guid practiceId, int limit,
        Guid? entryId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var entries = db.AuditEntries.AsNoTracking()
            .Where(e => e.PracticeId == practiceId && e.ActorRole != AuditEntry.ClientRole && e.ActorRole != AuditEntry.SystemRole);
        if (entryId is { } id)
        {
            entries = entries.Where(e => e.Id == id);
        }

        var alone = await entries.Where(e => e.ClientId == clientId).OrderByDescending(e => e.Sequence).Take(limit).ToListAsync(cancellationToken);
        var indexed = await db.AuditEntrySubjects.AsNoTracking()
            .Where(s => s.ClientId == clientId && s.PracticeId == practiceId)
            .Join(entries, s => new { s.PracticeId, s.Sequence }, e => new { e.PracticeId, e.Sequence }, (s, e) => e)
            .OrderByDescending(e => e.Sequence).Take(limit).ToListAsync(cancellationToken);
        // Read after the look-up: an entry indexed in between appears in both lists (and once below), never in neither.
        var watermark = await db.AuditSubjectWatermarks.AsNoTracking().Where(w => w.PracticeId == practiceId).Select(w => (long?)w.Sequence)
            .FirstOrDefaultAsync(cancellationToken) ?? 0;
        var key = clientId.ToString("N");
        var recent = await entries.Where(e => e.Sequence > watermark && e.Subjects != null && e.Subjects.Contains(key))
            .OrderByDescending(e => e.Sequence).Take(limit).ToListAsync(cancellationToken);
        return [.. alone.Concat(indexed).Concat(recent).DistinctBy(e => e.Sequence).OrderByDescending(e => e.Sequence).Take(limit)];
    }
}
