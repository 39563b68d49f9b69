using Microsoft.EntityFrameworkCore;
using Rapport.Persistence;

namespace Rapport.Audit;

/// <summary>
/// Brings the subject look-up (<see cref="AuditEntrySubject"/>) up to each practice's chain head: one row per client of
/// every entry that named several. Run by a system job, off the request path, so a dashboard's read costs one entry;
/// many views of the same caseload are indexed in one transaction. Idempotent: the watermark moves in the same
/// transaction as the rows, so a crashed round is simply done again.
/// </summary>
[NotAudited("Maintains a look-up derived from the trail; reads no clinical content")]
public sealed class IndexAuditSubjects(RapportDb db)
{
    /// <summary>Entries (of any kind) read per transaction.</summary>
    public const int Batch = 2000;

    /// <summary>Indexes every practice's new entries; returns how many look-up rows it wrote.</summary>
    public async Task<int> HandleAsync(CancellationToken cancellationToken = default)
    {
        if (!db.Viewer.IsSystem)
        {
            throw new InvalidOperationException("Only the system job indexes the audit trail.");
        }

        var written = 0;
        foreach (var practiceId in await db.Practices.AsNoTracking().Select(p => p.Id).ToListAsync(cancellationToken))
        {
            var head = await db.AuditEntries.AsNoTracking().Where(e => e.PracticeId == practiceId)
                .OrderByDescending(e => e.Sequence).Select(e => (long?)e.Sequence).FirstOrDefaultAsync(cancellationToken) ?? 0;
            var mark = await db.AuditSubjectWatermarks.FirstOrDefaultAsync(w => w.PracticeId == practiceId, cancellationToken);
            var from = mark?.Sequence ?? 0;
            while (from < head)
            {
                var to = Math.Min(head, from + Batch);
                var named = await db.AuditEntries.AsNoTracking()
                    .Where(e => e.PracticeId == practiceId && e.Sequence > from && e.Sequence <= to && e.Subjects != null)
                    .Select(e => new { e.Sequence, e.Subjects })
                    .ToListAsync(cancellationToken);
                foreach (var entry in named)
                {
                    foreach (var client in AuditEntriesConcerning.Parse(entry.Subjects))
                    {
                        db.AuditEntrySubjects.Add(new AuditEntrySubject { ClientId = client, PracticeId = practiceId, Sequence = entry.Sequence });
                        written++;
                    }
                }

                if (mark is null)
                {
                    mark = new AuditSubjectWatermark { PracticeId = practiceId, Sequence = to };
                    db.AuditSubjectWatermarks.Add(mark);
                }
                else
                {
                    mark.Sequence = to;
                }

                await db.SaveChangesAsync(cancellationToken);
                db.ChangeTracker.Clear();
                db.Attach(mark);
                from = to;
            }
        }

        return written;
    }
}
