using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Rapport.Persistence;

namespace Rapport.Privacy;

/// <summary>
/// Encrypts every [Encrypted] value still stored as plaintext: rows written before their field opted in to encryption
/// (episode titles, break-glass reasons and transcript file names until December 2026). A migration cannot do this, as
/// it has no key ring (and must not: the key file is kept apart from the database), so it runs at start-up after the
/// migrations (<see cref="RapportDatabase.MigrateAsync"/>: the app, the CLI and the tests). Idempotent and cheap once
/// done (one indexed-free scan per encrypted column for values without the <see cref="FieldEncryption.Prefix"/>).
/// Each value is replaced only if it is still the plaintext that was read, so an edit made meanwhile is never lost.
/// </summary>
public static class EncryptPlaintextFields
{
    public static async Task<int> RunAsync(RapportDb db, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var ring = db.GetService<IDbContextOptions>().FindExtension<FieldEncryptionOptions>()!.Ring;
        var connection = db.Database.GetDbConnection();
        var opened = connection.State != System.Data.ConnectionState.Open;
        if (opened)
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
        }

        try
        {
            var rows = 0;
            foreach (var (table, key, column, field) in Targets(db.Model))
            {
                var plaintext = new List<(object Id, string Value)>();
                await using (var select = connection.CreateCommand())
                {
                    select.CommandText = $"SELECT \"{key}\", \"{column}\" FROM \"{table}\" WHERE \"{column}\" IS NOT NULL AND substr(\"{column}\", 1, {FieldEncryption.Prefix.Length}) <> '{FieldEncryption.Prefix}'";
                    await using var reader = await select.ExecuteReaderAsync(cancellationToken);
                    while (await reader.ReadAsync(cancellationToken))
                    {
                        plaintext.Add((reader.GetValue(0), reader.GetString(1)));
                    }
                }

                foreach (var (id, value) in plaintext)
                {
                    await using var update = connection.CreateCommand();
                    update.CommandText = $"UPDATE \"{table}\" SET \"{column}\" = @cipher WHERE \"{key}\" = @id AND \"{column}\" = @plain";
                    Add(update, "@cipher", FieldEncryption.Protect(ring, field, value));
                    Add(update, "@id", id);
                    Add(update, "@plain", value);
                    rows += await update.ExecuteNonQueryAsync(cancellationToken);
                }
            }

            return rows;
        }
        finally
        {
            if (opened)
            {
                await db.Database.CloseConnectionAsync();
            }
        }
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    private static IEnumerable<(string Table, string Key, string Column, string Field)> Targets(IModel model)
    {
        foreach (var entity in model.GetEntityTypes())
        {
            var table = entity.GetTableName();
            var key = entity.FindPrimaryKey()?.Properties;
            if (table is null || key is not { Count: 1 })
            {
                continue;
            }

            var identifier = StoreObjectIdentifier.Table(table, entity.GetSchema());
            foreach (var property in entity.GetProperties())
            {
                if (property.PropertyInfo?.IsDefined(typeof(EncryptedAttribute), inherit: true) == true && property.ClrType == typeof(string))
                {
                    // The associated data the converter uses (RapportDb.EncryptMarkedProperties), so the value reads back.
                    yield return (table, key[0].GetColumnName(identifier)!, property.GetColumnName(identifier)!, $"{entity.ClrType.Name}.{property.Name}");
                }
            }
        }
    }
}
