using Microsoft.EntityFrameworkCore;
using Rapport.Persistence;

namespace Rapport.Audit;

/// <summary>
/// Walks every practice's chain from its first entry and reports the first entry that does not fit: a gap or
/// repeat in the sequence (an entry removed or inserted), a previous-hash that is not the previous entry's hash,
/// or a hash that does not match the entry's content (an entry edited). With checkpoints (<see cref="AuditCheckpointLog"/>)
/// it also reports a chain that ends before, or differs at, the latest anchored head (newest entries removed). HIPAA 164.312(c)(2): a mechanism to
/// corroborate that the record of access has not been altered.
/// </summary>
[NotAudited("Operator check of the chain (CLI, system viewer); reads only hashes")]
public sealed class VerifyAuditTrail(RapportDb db)
{
    public sealed record Break(Guid PracticeId, long Sequence, Guid EntryId, string Problem);

    public sealed record Result(int Practices, long Entries, IReadOnlyList<Break> Breaks)
    {
        public bool Intact => Breaks.Count == 0;
    }

    private const int BatchSize = 1000;

    public async Task<Result> HandleAsync(CancellationToken cancellationToken = default) => await HandleAsync(null, cancellationToken);

    /// <param name="checkpoints">The latest anchored head per practice; a practice with a checkpoint but no entries left is reported too.</param>
    public async Task<Result> HandleAsync(IReadOnlyDictionary<Guid, AuditCheckpoint>? checkpoints, CancellationToken cancellationToken = default)
    {
        checkpoints ??= new Dictionary<Guid, AuditCheckpoint>();
        var practices = await db.AuditEntries.IgnoreQueryFilters().Select(e => e.PracticeId).Distinct().ToListAsync(cancellationToken);
        practices = [.. practices.Union(checkpoints.Keys)];
        practices.Sort();
        var breaks = new List<Break>();
        long total = 0;
        foreach (var practiceId in practices)
        {
            var expected = 1L;
            var previous = AuditHash.Genesis;
            Break? found = null;
            while (found is null)
            {
                var from = expected;
                var batch = await db.AuditEntries.IgnoreQueryFilters().AsNoTracking()
                    .Where(e => e.PracticeId == practiceId && e.Sequence >= from)
                    .OrderBy(e => e.Sequence)
                    .Take(BatchSize)
                    .ToListAsync(cancellationToken);
                if (batch.Count == 0)
                {
                    break;
                }

                foreach (var entry in batch)
                {
                    total++;
                    found = Check(entry, expected, previous);
                    if (found is null && checkpoints.TryGetValue(practiceId, out var anchor) && anchor.Sequence == entry.Sequence
                        && !string.Equals(anchor.Hash, entry.Hash, StringComparison.Ordinal))
                    {
                        found = new Break(practiceId, entry.Sequence, entry.Id, $"its hash differs from the checkpoint of {anchor.At:u} (the chain was rewritten from here)");
                    }

                    if (found is not null)
                    {
                        break;
                    }

                    previous = entry.Hash;
                    expected++;
                }
            }

            if (found is null && checkpoints.TryGetValue(practiceId, out var head) && expected - 1 < head.Sequence)
            {
                found = new Break(practiceId, head.Sequence, Guid.Empty,
                    $"the chain ends at entry {expected - 1}, but the checkpoint of {head.At:u} anchored entry {head.Sequence}: the newest entries were removed");
            }

            if (found is not null)
            {
                breaks.Add(found);
            }
        }

        return new Result(practices.Count, total, breaks);
    }

    private static Break? Check(AuditEntry entry, long expected, string previous)
    {
        if (entry.Sequence != expected)
        {
            return new Break(entry.PracticeId, entry.Sequence, entry.Id,
                $"sequence {entry.Sequence} follows {expected - 1}: entry {expected} is missing");
        }

        if (!string.Equals(entry.PreviousHash, previous, StringComparison.Ordinal))
        {
            return new Break(entry.PracticeId, entry.Sequence, entry.Id, "its previous-hash is not the hash of the entry before it");
        }

        if (!string.Equals(AuditHash.Compute(entry), entry.Hash, StringComparison.Ordinal))
        {
            return new Break(entry.PracticeId, entry.Sequence, entry.Id, "its content does not match its hash (the entry was changed)");
        }

        return null;
    }
}
