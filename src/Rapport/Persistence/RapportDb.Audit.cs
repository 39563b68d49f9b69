using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Rapport.Audit;

namespace Rapport.Persistence;

public sealed partial class RapportDb
{
    private const int ChainAttempts = 8;
    private (string Name, string Role)? _actor;
    private readonly List<AuditEntry> _declaredAudit = [];

    /// <summary>
    /// Adds an audit entry for something the current viewer did that is not a tracked change (a read, an export,
    /// a break-glass). It is chained and stored by the next SaveChanges.
    /// </summary>
    internal async Task<AuditEntry> AddAuditEntryAsync(
        AuditAction action, string recordType, string recordId, Guid practiceId, Guid? clientId, string? reason, CancellationToken cancellationToken)
    {
        var (name, role) = await ActorAsync(cancellationToken);
        var entry = NewEntry(action, recordType, recordId, practiceId, clientId, reason, name, role);
        _declaredAudit.Add(entry);
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

        // Entries a feature declared (reads, break-glass, reasons), kept apart from the change tracker (which would cost
        // more than a dashboard's queries for its 100 entries) and written by AppendAuditEntriesAsync in the same
        // transaction as the change they record. One added through the DbSet joins them.
        var tracked = ChangeTracker.Entries<AuditEntry>().Where(e => e.State == EntityState.Added).Select(e => e.Entity).ToList();
        foreach (var entry in tracked)
        {
            Entry(entry).State = EntityState.Detached;
        }

        var declared = _declaredAudit.Concat(tracked).ToList();
        _declaredAudit.Clear();

        var saved = false;
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var pending = declared.Concat(await AuditTrackedChangesAsync(declared, cancellationToken)).ToList();
                if (pending.Count == 0)
                {
                    var count = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
                    saved = true;
                    return count;
                }

                var own = Database.CurrentTransaction is null ? await BeginSaveTransactionAsync(ChangeTracker.HasChanges(), cancellationToken) : null;
                try
                {
                    var changed = await base.SaveChangesAsync(acceptAllChangesOnSuccess: false, cancellationToken);
                    // Chained inside the transaction: on SQLite it holds the write lock, on PostgreSQL the unique
                    // (practice, sequence) index makes a concurrent append to the same place fail and retry below.
                    await ChainAsync(pending, cancellationToken);
                    await AppendAuditEntriesAsync(pending, cancellationToken);
                    if (own is not null)
                    {
                        await own.CommitAsync(cancellationToken);
                    }

                    if (acceptAllChangesOnSuccess)
                    {
                        ChangeTracker.AcceptAllChanges();
                    }

                    saved = true;
                    return changed + pending.Count;
                }
                catch (DbException) when (own is not null && attempt < ChainAttempts)
                {
                    await own.RollbackAsync(cancellationToken);
                    await own.DisposeAsync();
                    own = null;
                    if (!await ChainMovedAsync(pending, cancellationToken))
                    {
                        throw;
                    }

                    // Another request appended to the same practice's chain first; take the next place and try again.
                }
                finally
                {
                    if (own is not null)
                    {
                        await own.DisposeAsync();
                    }
                }
            }
        }
        catch (DbException ex)
        {
            throw new DbUpdateException("The audit trail could not be written; nothing was saved.", ex);
        }
        finally
        {
            if (!saved)
            {
                // Nothing was stored: a caller that saves again still owes these entries.
                _declaredAudit.AddRange(declared);
            }
        }
    }

    private static bool ConnectedSystemMayWrite(object entity) => entity is AuditEntry or Fhir.Export.ExportJob or Fhir.Export.ExportFile;

    private async Task<List<AuditEntry>> AuditTrackedChangesAsync(IReadOnlyCollection<AuditEntry> declaredEntries, CancellationToken cancellationToken)
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
        var declared = declaredEntries.Select(e => (e.RecordType, e.RecordId)).ToHashSet();
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
            generated.Add(NewEntry(action, type, id, practiceId, clientId, null, name, role));
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

    /// <summary>
    /// The transaction a save and its audit entries share when the caller has none. On SQLite it is deferred when
    /// there are rows to write, so the write lock is taken by the first write (as EF's own save does) and the chain is
    /// read under it; with only audit entries to append it is immediate, so the chain read and the append see the
    /// same database.
    /// </summary>
    private async Task<SaveTransaction> BeginSaveTransactionAsync(bool writesRows, CancellationToken cancellationToken)
    {
        await Database.OpenConnectionAsync(cancellationToken);
        var connection = Database.GetDbConnection();
        var transaction = connection is Microsoft.Data.Sqlite.SqliteConnection sqlite
            ? sqlite.BeginTransaction(deferred: writesRows)
            : await connection.BeginTransactionAsync(cancellationToken);
        await Database.UseTransactionAsync(transaction, cancellationToken);
        return new SaveTransaction(this, transaction);
    }

    [NotAudited("The transaction of a save whose audit entries RapportDb writes itself")]
    private sealed class SaveTransaction(RapportDb db, DbTransaction transaction) : IAsyncDisposable
    {
        public Task CommitAsync(CancellationToken cancellationToken) => transaction.CommitAsync(cancellationToken);

        public Task RollbackAsync(CancellationToken cancellationToken) => transaction.RollbackAsync(cancellationToken);

        public async ValueTask DisposeAsync()
        {
            await db.Database.UseTransactionAsync(null);
            await transaction.DisposeAsync();
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>Gives every entry its place in its practice's chain: the next sequence number and the previous hash.</summary>
    private async Task ChainAsync(List<AuditEntry> pending, CancellationToken cancellationToken)
    {
        foreach (var practice in pending.OrderBy(e => e.At).ThenBy(e => e.Id).GroupBy(e => e.PracticeId))
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

    private async Task<bool> ChainMovedAsync(List<AuditEntry> pending, CancellationToken cancellationToken)
    {
        foreach (var practice in pending.GroupBy(e => e.PracticeId))
        {
            var first = practice.Min(e => e.Sequence);
            if (await AuditEntries.IgnoreQueryFilters().AnyAsync(e => e.PracticeId == practice.Key && e.Sequence >= first, cancellationToken))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Inserts the entries on the context's connection and transaction with one single-row INSERT: pipelined in one
    /// round trip where the provider batches (PostgreSQL), prepared once and re-bound per row where it does not
    /// (SQLite). EF's own batch makes SQLite prepare and bind every row's statement afresh, and a multi-row VALUES
    /// binds its parameters by name in quadratic time; either made a dashboard's 100 read entries cost more than the
    /// dashboard's queries (docs/performance.md). Values go through each property's EF type mapping, as EF's own
    /// inserts do, so they are stored exactly as EF would store them.
    /// </summary>
    private async Task AppendAuditEntriesAsync(List<AuditEntry> entries, CancellationToken cancellationToken)
    {
        var insert = AuditInsertStatement();
        var connection = Database.GetDbConnection();
        var transaction = Database.CurrentTransaction!.GetDbTransaction();
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = insert.Sql;
        if (connection.CanCreateBatch)
        {
            await using var batch = connection.CreateBatch();
            batch.Transaction = transaction;
            foreach (var entry in entries)
            {
                var row = batch.CreateBatchCommand();
                row.CommandText = insert.Sql;
                foreach (var parameter in insert.Parameters(command, entry))
                {
                    row.Parameters.Add(parameter);
                }

                batch.BatchCommands.Add(row);
            }

            await batch.ExecuteNonQueryAsync(cancellationToken);
            return;
        }

        foreach (var entry in entries)
        {
            command.Parameters.Clear();
            command.Parameters.AddRange(insert.Parameters(command, entry));
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private sealed record AuditInsert(string Sql, IReadOnlyList<(string Name, IProperty Property, RelationalTypeMapping Mapping)> Columns)
    {
        public DbParameter[] Parameters(DbCommand command, AuditEntry entry) =>
            [.. Columns.Select(c => c.Mapping.CreateParameter(command, c.Name, c.Property.GetGetter().GetClrValue(entry), c.Property.IsNullable))];
    }

    private AuditInsert? _auditInsert;

    private AuditInsert AuditInsertStatement()
    {
        if (_auditInsert is { } known)
        {
            return known;
        }

        var entity = Model.FindEntityType(typeof(AuditEntry))!;
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var sql = this.GetService<ISqlGenerationHelper>();
        var columns = entity.GetProperties()
            .Select((p, i) => (Name: sql.GenerateParameterName("a" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)), Property: p, Mapping: (RelationalTypeMapping)p.GetRelationalTypeMapping()))
            .ToList();
        var insert = $"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} ({string.Join(", ", columns.Select(c => sql.DelimitIdentifier(c.Property.GetColumnName(table)!)))}) " +
            $"VALUES ({string.Join(", ", columns.Select(c => c.Name))})";
        _auditInsert = new AuditInsert(insert, columns);
        return _auditInsert;
    }

    private AuditEntry NewEntry(AuditAction action, string recordType, string recordId, Guid practiceId, Guid? clientId, string? reason, string name, string role) => new()
    {
        PracticeId = practiceId,
        UserId = Viewer.ConnectedSystemId is { } system ? AuditEntry.ConnectedSystemUserId(system) : Viewer.UserId,
        ActorName = name,
        ActorRole = role,
        Action = action,
        RecordType = recordType,
        RecordId = recordId,
        ClientId = clientId,
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
