using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Rapport.Audit;

namespace Rapport.Persistence;

public sealed partial class RapportDb
{
    private (string Name, string Role)? _actor;

    /// <summary>
    /// Adds an audit entry for something the current viewer did that is not a tracked change (a read, an export,
    /// a break-glass). It is chained and stored by the next SaveChanges.
    /// </summary>
    internal async Task<AuditEntry> AddAuditEntryAsync(
        AuditAction action, string recordType, string recordId, Guid practiceId, Guid? clientId, string? reason, CancellationToken cancellationToken)
    {
        var (name, role) = await ActorAsync(cancellationToken);
        var entry = NewEntry(action, recordType, recordId, practiceId, clientId, reason, name, role, null);
        AuditEntries.Add(entry);
        return entry;
    }

    /// <summary>
    /// Adds the entry of an event that concerned these clients: for one, an entry naming them (<see cref="AuditEntry.ClientId"/>);
    /// for several, one entry naming them all (<see cref="AuditEntry.Subjects"/>), which each finds in their access list
    /// through <see cref="AuditEntriesConcerning"/>. Nothing is added for none.
    /// </summary>
    internal async Task<AuditEntry?> AddAuditEntryConcerningAsync(
        AuditAction action, string recordType, string recordId, Guid practiceId, IEnumerable<Guid> clients, string? reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(clients);
        var distinct = clients.Distinct().ToList();
        if (distinct.Count <= 1)
        {
            return distinct.Count == 0 ? null : await AddAuditEntryAsync(action, recordType, recordId, practiceId, distinct[0], reason, cancellationToken);
        }

        var (name, role) = await ActorAsync(cancellationToken);
        var entry = NewEntry(action, recordType, recordId, practiceId, null, reason, name, role, AuditEntriesConcerning.Format(distinct));
        AuditEntries.Add(entry);
        return entry;
    }

    private async Task<int> SaveWithAuditAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken)
    {
        // Append-only in the application (HIPAA 164.312(c)(1) integrity): nothing here may rewrite history.
        // The database refuses it too on PostgreSQL (AuditTrigger), and the hash chain exposes anything that slips past both.
        if (ChangeTracker.Entries<AuditEntry>().Any(e => e.State is EntityState.Modified or EntityState.Deleted))
        {
            throw new InvalidOperationException("Audit entries are append-only: they cannot be changed or deleted.");
        }

        // A connected system is read-only (docs/security.md): besides the trail, it may only keep its own export's rows.
        if (Viewer.IsConnectedSystem && ChangeTracker.Entries()
                .Any(e => e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted && !ConnectedSystemMayWrite(e.Entity)))
        {
            throw new InvalidOperationException("A connected system is read-only: it cannot change records.");
        }

        if (Database.CurrentTransaction is null && (ChangeTracker.Entries<AuditEntry>().Any(e => e.State == EntityState.Added) || HasAuditedChanges()))
        {
            return await SaveWithChainLockAsync(acceptAllChangesOnSuccess, cancellationToken);
        }

        // Inside a caller's own transaction (which orders its appends itself), or with nothing to chain.
        await AuditTrackedChangesAsync(cancellationToken);
        await ChainPendingEntriesAsync(cancellationToken);
        return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    /// <summary>
    /// Each practice's chain is appended under a lock taken before its last entry is read, so concurrent saves queue
    /// for their place instead of colliding on the (practice, sequence) index and starting over. PostgreSQL: a
    /// transaction-scoped advisory lock per practice (released at commit, so it works behind pgbouncer in transaction
    /// pooling). SQLite: the transaction itself, which Microsoft.Data.Sqlite begins IMMEDIATE, so it holds SQLite's one
    /// write lock from the start (SQLite has one writer at a time anyway; readers are not blocked in WAL mode).
    /// Measured under load (docs/performance.md, "Load test"): without it, audited reads and check-ins of one practice
    /// collided hundreds of times a minute on PostgreSQL, 50 concurrent clients on SQLite collided too, and a save could
    /// run out of attempts (a 500). The chain is unchanged: same order, same hashes, verified the same way.
    /// </summary>
    private async Task<int> SaveWithChainLockAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken)
    {
        await using var transaction = await Database.BeginTransactionAsync(cancellationToken);
        await AuditTrackedChangesAsync(cancellationToken);
        if (Database.IsNpgsql())
        {
            var practices = ChangeTracker.Entries<AuditEntry>().Where(e => e.State == EntityState.Added).Select(e => e.Entity.PracticeId).Distinct().Order().ToList();
            foreach (var practiceId in practices)
            {
                // In one order everywhere (sorted ids): two saves that touch the same two practices cannot deadlock.
                await Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({ChainLockKey(practiceId)})", cancellationToken);
            }
        }

        await ChainPendingEntriesAsync(cancellationToken);
        var saved = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return saved;
    }

    /// <summary>The advisory lock of one practice's chain: its id folded to 64 bits (a collision only makes two practices share a queue).</summary>
    internal static long ChainLockKey(Guid practiceId)
    {
        Span<byte> bytes = stackalloc byte[16];
        practiceId.TryWriteBytes(bytes);
        return BitConverter.ToInt64(bytes[..8]) ^ BitConverter.ToInt64(bytes[8..]);
    }

    private bool HasAuditedChanges() => !Viewer.IsSystem && ChangeTracker.Entries()
        .Any(e => e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted && AuditedRecords.Describe(e.Entity) is not null);

    private static bool ConnectedSystemMayWrite(object entity) => entity is AuditEntry or Fhir.Export.ExportJob or Fhir.Export.ExportFile;

    private async Task<List<AuditEntry>> AuditTrackedChangesAsync(CancellationToken cancellationToken)
    {
        var generated = new List<AuditEntry>();
        // Seeding, migrations and CLI maintenance run as the system viewer and are not per-row events of a person;
        // see docs/decisions/0007-audit-trail.md.
        if (Viewer.IsSystem)
        {
            return generated;
        }

        // A feature that wrote its own entry for a record in this save (with a reason, e.g. a staff deactivation) has
        // said what happened to it: that record gets no second, reasonless entry.
        var declared = ChangeTracker.Entries<AuditEntry>().Where(e => e.State == EntityState.Added)
            .Select(e => (e.Entity.RecordType, e.Entity.RecordId)).ToHashSet();
        var changes = ChangeTracker.Entries()
            .Where(e => e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted)
            .Select(Describe)
            .OfType<(AuditAction, string, string, Guid, Guid?)>()
            .Where(c => !declared.Contains((c.Item2, c.Item3)))
            .ToList();
        if (changes.Count == 0)
        {
            return generated;
        }

        var (name, role) = await ActorAsync(cancellationToken);
        foreach (var (action, type, id, practiceId, clientId) in changes)
        {
            var entry = NewEntry(action, type, id, practiceId, clientId, null, name, role, null);
            AuditEntries.Add(entry);
            generated.Add(entry);
        }

        return generated;
    }

    private static (AuditAction, string, string, Guid, Guid?)? Describe(EntityEntry entry)
    {
        // Which records are audited, and the client each concerns, is declared once in AuditedRecords.
        if (AuditedRecords.Describe(entry.Entity) is not { } subject)
        {
            return null;
        }

        var action = entry.State switch
        {
            EntityState.Added => AuditAction.Create,
            EntityState.Deleted => AuditAction.Delete,
            _ => AuditAction.Update,
        };
        return (action, entry.Entity.GetType().Name, subject.RecordId, subject.PracticeId, subject.ClientId);
    }

    /// <summary>Gives every unsaved entry its place in its practice's chain: the next sequence number and the previous hash.</summary>
    private async Task ChainPendingEntriesAsync(CancellationToken cancellationToken)
    {
        var pending = ChangeTracker.Entries<AuditEntry>()
            .Where(e => e.State == EntityState.Added)
            .Select(e => e.Entity)
            .OrderBy(e => e.At)
            .ThenBy(e => e.Id)
            .ToList();
        foreach (var practice in pending.GroupBy(e => e.PracticeId))
        {
            var last = await AuditEntries.IgnoreQueryFilters().AsNoTracking()
                .Where(e => e.PracticeId == practice.Key)
                .OrderByDescending(e => e.Sequence)
                .Select(e => new { e.Sequence, e.Hash })
                .FirstOrDefaultAsync(cancellationToken);
            var sequence = last?.Sequence ?? 0;
            var previous = last?.Hash ?? AuditHash.Genesis;
            foreach (var entry in practice)
            {
                entry.Sequence = ++sequence;
                entry.PreviousHash = previous;
                entry.Hash = AuditHash.Compute(entry);
                previous = entry.Hash;
            }
        }
    }

    private AuditEntry NewEntry(AuditAction action, string recordType, string recordId, Guid practiceId, Guid? clientId, string? reason, string name, string role,
        string? subjects) => new()
    {
        PracticeId = practiceId,
        UserId = Viewer.ConnectedSystemId is { } system ? AuditEntry.ConnectedSystemUserId(system) : Viewer.UserId,
        ActorName = name,
        ActorRole = role,
        Action = action,
        RecordType = recordType,
        RecordId = recordId,
        ClientId = clientId,
        Subjects = subjects,
        At = AuditHash.Truncate(clock.GetUtcNow()),
        IpAddress = auditContext.IpAddress,
        UserAgent = auditContext.UserAgent,
        Reason = AuditContext.Clean(reason, AuditContext.MaxReasonLength),
        PreviousHash = "",
        Hash = "",
    };

    private async Task<(string Name, string Role)> ActorAsync(CancellationToken cancellationToken)
    {
        if (_actor is { } known)
        {
            return known;
        }

        var viewer = Viewer;
        (string, string) actor;
        if (viewer.IsSystem)
        {
            actor = ("Rapport", AuditEntry.SystemRole);
        }
        else if (viewer.IsConnectedSystem)
        {
            // Named as registered, so the trail says which system read what (not "Rapport" or "Anonymous").
            actor = (viewer.ConnectedSystemName ?? "Connected system", AuditEntry.ConnectedSystemRole);
        }
        else if (viewer.StaffMemberId is { } staffId)
        {
            var name = await StaffMembers.IgnoreQueryFilters().Where(s => s.Id == staffId).Select(s => s.DisplayName).FirstOrDefaultAsync(cancellationToken);
            actor = (name ?? "Unknown staff member", viewer.Roles.ToString());
        }
        else if (viewer.ClientId is not null)
        {
            // Pseudonymised at write time: the entry is hash-chained and can never be rewritten, so a client's name in it
            // could never be erased (GDPR Art. 17). The client is the entry's UserId and ClientId; show their name from
            // the live Client row, which erasure clears (docs/decisions/0012-erasure-and-the-audit-trail.md).
            actor = (AuditEntry.ClientActorName, AuditEntry.ClientRole);
        }
        else
        {
            actor = ("Anonymous", "Anonymous");
        }

        _actor = actor;
        return actor;
    }
}
