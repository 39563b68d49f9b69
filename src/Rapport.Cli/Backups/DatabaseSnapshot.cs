using System.Data.Common;
using System.Globalization;

namespace Rapport.Cli.Backups;

/// <summary>
/// What a backup is checked against, read over one connection inside one transaction, so counts, chain heads and the
/// migration are of the same moment as the dump: every table's row count, each practice's audit chain head, and the
/// last applied migration.
/// </summary>
public sealed record DatabaseSnapshot(string? Migration, IReadOnlyDictionary<string, long> Tables, IReadOnlyList<ChainHead> AuditHeads)
{
    public const string MigrationsTable = "__EFMigrationsHistory";

    public static async Task<IReadOnlyList<string>> TablesAsync(DbConnection connection, bool postgres, CancellationToken cancellationToken)
    {
        var sql = postgres
            ? "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
            : "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name";
        var tables = new List<string>();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            tables.Add(reader.GetString(0));
        }

        return tables;
    }

    public static async Task<DatabaseSnapshot> ReadAsync(DbConnection connection, bool postgres, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var tables = await TablesAsync(connection, postgres, cancellationToken);
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var table in tables)
        {
            counts[table] = Convert.ToInt64(await ScalarAsync(connection, $"SELECT COUNT(*) FROM {Quote(table)}", cancellationToken), CultureInfo.InvariantCulture);
        }

        string? migration = null;
        if (tables.Contains(MigrationsTable))
        {
            migration = await ScalarAsync(connection, $"""SELECT "MigrationId" FROM "{MigrationsTable}" ORDER BY "MigrationId" DESC LIMIT 1""", cancellationToken) as string;
        }

        var heads = new List<ChainHead>();
        if (tables.Contains("AuditEntries"))
        {
            await using var command = connection.CreateCommand();
            command.CommandText = """
                SELECT a."PracticeId", a."Sequence", a."Hash" FROM "AuditEntries" a
                WHERE a."Sequence" = (SELECT MAX(b."Sequence") FROM "AuditEntries" b WHERE b."PracticeId" = a."PracticeId")
                """;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                heads.Add(new ChainHead(Guid.Parse(Convert.ToString(reader.GetValue(0), CultureInfo.InvariantCulture)!), reader.GetInt64(1), reader.GetString(2)));
            }
        }

        return new DatabaseSnapshot(migration, counts, [.. heads.OrderBy(h => h.PracticeId)]);
    }

    /// <summary>Every difference from the manifest, one line each; empty when the database holds exactly what was backed up.</summary>
    public IReadOnlyList<string> DifferencesFrom(BackupManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var problems = new List<string>();
        if (!string.Equals(Migration, manifest.Migration, StringComparison.Ordinal))
        {
            problems.Add($"the last migration is {Migration ?? "none"}, the manifest says {manifest.Migration}");
        }

        foreach (var (table, expected) in manifest.Tables)
        {
            if (!Tables.TryGetValue(table, out var actual))
            {
                problems.Add($"table {table} is missing");
            }
            else if (actual != expected)
            {
                problems.Add($"table {table} has {actual} rows, the manifest says {expected}");
            }
        }

        problems.AddRange(Tables.Keys.Where(t => !manifest.Tables.ContainsKey(t)).Select(t => $"table {t} is not in the manifest"));
        var heads = manifest.AuditHeads.ToDictionary(h => h.PracticeId);
        foreach (var head in AuditHeads)
        {
            if (!heads.Remove(head.PracticeId, out var expected) || expected != head)
            {
                problems.Add($"practice {head.PracticeId}'s audit chain ends at {head.Sequence}, not at the manifest's head");
            }
        }

        problems.AddRange(heads.Values.Select(h => $"practice {h.PracticeId}'s audit chain (head {h.Sequence}) is missing"));
        return problems;
    }

    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static async Task<object?> ScalarAsync(DbConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(cancellationToken);
    }
}
