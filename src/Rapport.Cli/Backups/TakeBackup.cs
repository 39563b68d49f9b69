using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Npgsql;
using Rapport.Persistence;
using Rapport.Privacy;

namespace Rapport.Cli.Backups;

/// <summary>
/// <c>rapport backup</c>: a consistent copy of the whole database while the app runs, with a manifest, checked after it
/// is written. SQLite: the online backup API copies the file under one read transaction (writers go on; the copy is
/// the moment the transaction began). PostgreSQL: <c>pg_dump -Fc</c> on a snapshot exported from a repeatable-read
/// transaction, the same snapshot the manifest's counts and chain heads are read in. The check reads the written
/// dump back (SQLite: integrity check and counts of the copy; PostgreSQL: <c>pg_restore --list</c> and the rows of
/// every table's data in the dump) and compares it with the manifest.
/// </summary>
public sealed class TakeBackup(DatabaseOptions options, TimeProvider clock)
{
    public const string SqliteDumpFile = "rapport.sqlite";
    public const string PostgresDumpFile = "rapport.pgdump";

    public sealed record Result(BackupManifest? Manifest, IReadOnlyList<string> Problems);

    public async Task<Result> HandleAsync(string folder, CancellationToken cancellationToken = default)
    {
        folder = Path.GetFullPath(folder);
        if (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any())
        {
            return new Result(null, [$"{folder} is not empty; back up into a new folder."]);
        }

        if (options.Provider == DatabaseProvider.Sqlite && !File.Exists(Path.GetFullPath(options.Path)))
        {
            return new Result(null, [$"There is no database at {Path.GetFullPath(options.Path)}."]);
        }

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else
        {
            Directory.CreateDirectory(folder, OwnerOnlyFiles.FolderMode);
        }

        var postgres = options.Provider == DatabaseProvider.Postgres;
        var dump = Path.Combine(folder, postgres ? PostgresDumpFile : SqliteDumpFile);
        var (snapshot, problem) = postgres ? await DumpPostgresAsync(dump, cancellationToken) : await DumpSqliteAsync(dump, cancellationToken);
        if (snapshot is null)
        {
            return new Result(null, [problem!]);
        }

        if (snapshot.Migration is null)
        {
            return new Result(null, ["The database has no migrations applied; run `rapport db migrate` first."]);
        }

        var manifest = new BackupManifest(
            BackupManifest.CurrentFormat,
            AppVersion,
            options.Provider.ToString(),
            snapshot.Migration,
            Path.GetFileName(dump),
            await Sha256Async(dump, cancellationToken),
            clock.GetUtcNow().UtcDateTime,
            snapshot.Tables,
            snapshot.AuditHeads);
        manifest.Write(folder);

        var check = postgres ? await ReadPostgresDumpAsync(dump, options.ConnectionString!, cancellationToken) : await ReadSqliteDumpAsync(dump, cancellationToken);
        var problems = check.Problem is { } p ? [p] : check.Snapshot!.DifferencesFrom(manifest).Select(d => $"The written backup does not match: {d}.").ToList();
        return new Result(manifest, problems);
    }

    public static string AppVersion =>
        typeof(RapportDb).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(RapportDb).Assembly.GetName().Version?.ToString() ?? "unknown";

    public static async Task<string> Sha256Async(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
    }

    internal static string SqliteConnectionString(string path, SqliteOpenMode mode) =>
        new SqliteConnectionStringBuilder { DataSource = path, Mode = mode, Pooling = false, ForeignKeys = true }.ToString();

    internal static async Task ExecuteAsync(System.Data.Common.DbConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<(DatabaseSnapshot?, string?)> DumpSqliteAsync(string dump, CancellationToken cancellationToken)
    {
        // An empty 0600 file first: SQLite accepts it as an empty database and keeps its mode.
        OwnerOnlyFiles.WriteNew(dump, []);
        await using var source = new SqliteConnection(SqliteConnectionString(Path.GetFullPath(options.Path), SqliteOpenMode.ReadOnly));
        await source.OpenAsync(cancellationToken);
        await ExecuteAsync(source, "PRAGMA busy_timeout=5000", cancellationToken);
        // One read transaction around the counts and the copy: the backup step reads through it, so both see one moment.
        await ExecuteAsync(source, "BEGIN", cancellationToken);
        var snapshot = await DatabaseSnapshot.ReadAsync(source, postgres: false, cancellationToken);
        await using (var destination = new SqliteConnection(SqliteConnectionString(dump, SqliteOpenMode.ReadWrite)))
        {
            await destination.OpenAsync(cancellationToken);
            source.BackupDatabase(destination);
            // One self-contained file: no -wal beside it to forget.
            await ExecuteAsync(destination, "PRAGMA journal_mode=DELETE", cancellationToken);
        }

        await ExecuteAsync(source, "COMMIT", cancellationToken);
        return (snapshot, null);
    }

    private async Task<(DatabaseSnapshot?, string?)> DumpPostgresAsync(string dump, CancellationToken cancellationToken)
    {
        var connectionString = options.ConnectionString ?? throw new InvalidOperationException("No PostgreSQL connection string.");
        OwnerOnlyFiles.WriteNew(dump, []);
        await using var source = new NpgsqlConnection(connectionString);
        await source.OpenAsync(cancellationToken);
        await ExecuteAsync(source, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", cancellationToken);
        await using var export = new NpgsqlCommand("SELECT pg_export_snapshot()", source);
        var snapshotId = (string)(await export.ExecuteScalarAsync(cancellationToken))!;
        var snapshot = await DatabaseSnapshot.ReadAsync(source, postgres: true, cancellationToken);
        var run = await PostgresTools.RunAsync("pg_dump", ["--format=custom", $"--snapshot={snapshotId}", $"--file={dump}"], connectionString, null, cancellationToken);
        await ExecuteAsync(source, "COMMIT", cancellationToken);
        return run.ExitCode == 0 ? (snapshot, null) : (null, $"pg_dump failed (exit {run.ExitCode}): {run.Error}");
    }

    /// <summary>What a SQLite dump holds, read from the file itself (after its integrity check).</summary>
    internal static async Task<(DatabaseSnapshot? Snapshot, string? Problem)> ReadSqliteDumpAsync(string dump, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(SqliteConnectionString(dump, SqliteOpenMode.ReadOnly));
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA integrity_check";
        var integrity = await command.ExecuteScalarAsync(cancellationToken) as string;
        if (integrity != "ok")
        {
            return (null, $"The dump {dump} fails SQLite's integrity check: {integrity}.");
        }

        return (await DatabaseSnapshot.ReadAsync(connection, postgres: false, cancellationToken), null);
    }

    /// <summary>
    /// What a PostgreSQL custom-format dump holds, read from the file: <c>pg_restore --list</c> must read its table of
    /// contents, and the data section (as <c>pg_restore</c> would load it) is counted row by row per table. The
    /// migration and chain heads come from the same rows.
    /// </summary>
    internal static async Task<(DatabaseSnapshot? Snapshot, string? Problem)> ReadPostgresDumpAsync(string dump, string connectionString, CancellationToken cancellationToken)
    {
        var list = await PostgresTools.RunAsync("pg_restore", ["--list", dump], connectionString, null, cancellationToken);
        if (list.ExitCode != 0)
        {
            return (null, $"pg_restore cannot read the dump {dump} (exit {list.ExitCode}): {list.Error}");
        }

        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        string? table = null;
        string[]? columns = null;
        var migrations = new List<string>();
        var heads = new Dictionary<Guid, ChainHead>();
        var data = await PostgresTools.RunAsync("pg_restore", ["--data-only", "--file=-", dump], connectionString, line =>
        {
            if (table is null)
            {
                if (line.StartsWith("COPY ", StringComparison.Ordinal))
                {
                    (table, columns) = ParseCopy(line);
                    counts[table] = 0;
                }

                return;
            }

            if (line == "\\.")
            {
                table = null;
                return;
            }

            counts[table]++;
            if (table == DatabaseSnapshot.MigrationsTable)
            {
                migrations.Add(line.Split('\t')[Array.IndexOf(columns!, "MigrationId")]);
            }
            else if (table == "AuditEntries")
            {
                var cells = line.Split('\t');
                var practice = Guid.Parse(cells[Array.IndexOf(columns!, "PracticeId")]);
                var sequence = long.Parse(cells[Array.IndexOf(columns!, "Sequence")], CultureInfo.InvariantCulture);
                if (!heads.TryGetValue(practice, out var known) || known.Sequence < sequence)
                {
                    heads[practice] = new ChainHead(practice, sequence, cells[Array.IndexOf(columns!, "Hash")]);
                }
            }
        }, cancellationToken);
        if (data.ExitCode != 0)
        {
            return (null, $"pg_restore cannot read the data in {dump} (exit {data.ExitCode}): {data.Error}");
        }

        migrations.Sort(StringComparer.Ordinal);
        return (new DatabaseSnapshot(migrations.LastOrDefault(), counts, [.. heads.Values.OrderBy(h => h.PracticeId)]), null);
    }

    // COPY public."AuditEntries" ("Id", "PracticeId", ...) FROM stdin;
    private static (string Table, string[] Columns) ParseCopy(string line)
    {
        var open = line.IndexOf(" (", StringComparison.Ordinal);
        var name = line[5..open];
        var dot = name.IndexOf("\".\"", StringComparison.Ordinal) is var q and >= 0 ? q + 1 : (name.StartsWith('"') ? -1 : name.IndexOf('.'));
        if (dot >= 0)
        {
            name = name[(dot + 1)..];
        }

        var columns = line[(open + 2)..line.LastIndexOf(") FROM stdin;", StringComparison.Ordinal)]
            .Split(", ").Select(Unquote).ToArray();
        return (Unquote(name), columns);
    }

    private static string Unquote(string identifier) =>
        identifier.StartsWith('"') ? identifier[1..^1].Replace("\"\"", "\"", StringComparison.Ordinal) : identifier;
}
