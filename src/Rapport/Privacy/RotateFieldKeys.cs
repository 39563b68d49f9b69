using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Rapport.Persistence;
using Rapport.Audit;

namespace Rapport.Privacy;

/// <summary>
/// Makes a new key active and re-encrypts every [Encrypted] value with it, in batches of their own transaction, so
/// it can run beside the app: a row someone edits meanwhile fails the optimistic-concurrency check, is re-read and
/// re-encrypted. Old keys stay in the ring (a backup restored later still decrypts); remove one only after every
/// backup made under it has expired. NIST SP 800-57 cryptoperiods; HIPAA 164.312(a)(2)(iv).
/// </summary>
[NotAudited("Operator key rotation as the system viewer (decision 0007); re-encrypts, returns nothing")]
public sealed class RotateFieldKeys(Func<RapportDb> open)
{
    public sealed record Result(string NewKeyId, int Rows);

    private const int Attempts = 5;

    public async Task<Result> HandleAsync(int batchSize = 500, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        string keyId;
        List<(Type Clr, List<string> Properties)> targets;
        await using (var db = open())
        {
            var ring = db.GetService<IDbContextOptions>().FindExtension<FieldEncryptionOptions>()!.Ring;
            keyId = ring.AddActiveKey();
            targets = [.. db.Model.GetEntityTypes()
                .Select(t => (t.ClrType, Properties: t.GetProperties()
                    .Where(p => p.PropertyInfo?.IsDefined(typeof(EncryptedAttribute), inherit: true) == true)
                    .Select(p => p.Name).ToList()))
                .Where(t => t.Properties.Count > 0)];
        }

        var rows = 0;
        var method = typeof(RotateFieldKeys).GetMethod(nameof(RotateAsync), BindingFlags.Instance | BindingFlags.NonPublic)!;
        foreach (var (clr, properties) in targets)
        {
            rows += await (Task<int>)method.MakeGenericMethod(clr).Invoke(this, [properties, batchSize, cancellationToken])!;
        }

        return new Result(keyId, rows);
    }

    private async Task<int> RotateAsync<T>(List<string> properties, int batchSize, CancellationToken cancellationToken)
        where T : class
    {
        var rows = 0;
        for (var skip = 0; ; skip += batchSize)
        {
            await using var db = open();
            var batch = await db.Set<T>().IgnoreQueryFilters()
                .OrderBy(e => EF.Property<Guid>(e, "Id"))
                .Skip(skip)
                .Take(batchSize)
                .ToListAsync(cancellationToken);
            if (batch.Count == 0)
            {
                return rows;
            }

            for (var attempt = 1; ; attempt++)
            {
                foreach (var entity in batch)
                {
                    foreach (var property in properties)
                    {
                        var entry = db.Entry(entity).Property(property);
                        entry.IsModified = entry.CurrentValue is not null;
                    }
                }

                try
                {
                    await db.SaveChangesAsync(cancellationToken);
                    break;
                }
                catch (DbUpdateConcurrencyException conflict) when (attempt < Attempts)
                {
                    // Someone saved the row since we read it: take their version and encrypt that.
                    foreach (var entry in conflict.Entries)
                    {
                        await entry.ReloadAsync(cancellationToken);
                    }
                }
            }

            rows += batch.Count;
        }
    }
}
