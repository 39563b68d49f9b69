using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Rapport.Audit;
using Rapport.Persistence;
using Rapport.Privacy;

namespace Rapport.Cli.Backups;

/// <summary>
/// <c>rapport restore</c>: puts a backup into a database, and proves it arrived whole. Before touching the target it
/// checks the manifest (format, provider, the dump's SHA-256) and that this Rapport knows the backup's migration (a
/// backup from a newer version is refused), and refuses a target that holds any table unless told to replace it.
/// After restoring it compares every table's row count and each practice's chain head with the manifest and walks
/// every audit chain (<see cref="VerifyAuditTrail"/>). Stop the app before restoring over its database.
/// </summary>
[NotAudited("operator tool: replaces a whole database from a backup and walks its audit chains (hashes only)")]
public sealed class RestoreBackup(DatabaseOptions target, Func<RapportDb> open)
{
    public sealed record Result(IReadOnlyList<string> Refused, IReadOnlyList<string> Problems, BackupManifest? Manifest, long AuditEntries, int PendingMigrations)
    {
        public bool Restored => Refused.Count == 0;
    }

    public async Task<Result> HandleAsync(string folder, bool replace, CancellationToken cancellationToken = default)
    {
        folder = Path.GetFullPath(folder);
        var (manifest, problem) = BackupManifest.Read(folder);
        if (manifest is null)
        {
            return Refuse(problem!);
        }

        if (!string.Equals(manifest.Provider, target.Provider.ToString(), StringComparison.Ordinal))
        {
            return Refuse($"The backup is of a {manifest.Provider} database; the target is {target.Provider}. Restore into the same kind of database.");
        }

        var dump = Path.Combine(folder, manifest.DumpFile);
        if (!File.Exists(dump))
        {
            return Refuse($"The dump {dump} named by the manifest is missing.");
        }

        if (await TakeBackup.Sha256Async(dump, cancellationToken) != manifest.DumpSha256)
        {
            return Refuse($"The dump {dump} does not match the manifest's SHA-256: it was changed or damaged after the backup.");
        }

        await using (var db = open())
        {
            if (!db.Database.GetMigrations().Contains(manifest.Migration, StringComparer.Ordinal))
            {
                return Refuse($"The backup's last migration {manifest.Migration} is unknown to this Rapport ({TakeBackup.AppVersion}); it was made by a newer version. Restore it with that version.");
            }
        }

        var postgres = target.Provider == DatabaseProvider.Postgres;
        var existing = postgres ? await PostgresTablesAsync(cancellationToken) : await SqliteTablesAsync(cancellationToken);
        if (existing > 0 && !replace)
        {
            return Refuse($"The target database is not empty ({Plural.Of(existing, "table")}). Restore into an empty database, or pass --replace to overwrite it.");
        }

        if (postgres)
        {
            var b = new NpgsqlConnectionStringBuilder(target.ConnectionString);
            List<string> arguments = ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", $"--dbname={b.Database}"];
            if (existing > 0)
            {
                arguments.AddRange(["--clean", "--if-exists"]);
            }

            arguments.Add(dump);
            var run = await PostgresTools.RunAsync("pg_restore", arguments, target.ConnectionString!, null, cancellationToken);
            if (run.ExitCode != 0)
            {
                return new Result([], [$"pg_restore failed (exit {run.ExitCode}); the single transaction was rolled back: {run.Error}"], manifest, 0, 0);
            }
        }
        else
        {
            await RestoreSqliteAsync(dump, cancellationToken);
        }

        return await CheckAsync(manifest, cancellationToken);
    }

    private static Result Refuse(string why) => new([why], [], null, 0, 0);

    private async Task<Result> CheckAsync(BackupManifest manifest, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        DatabaseSnapshot snapshot;
        if (target.Provider == DatabaseProvider.Postgres)
        {
            await using var connection = new NpgsqlConnection(target.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            snapshot = await DatabaseSnapshot.ReadAsync(connection, postgres: true, cancellationToken);
        }
        else
        {
            await using var connection = new SqliteConnection(TakeBackup.SqliteConnectionString(Path.GetFullPath(target.Path), SqliteOpenMode.ReadOnly));
            await connection.OpenAsync(cancellationToken);
            snapshot = await DatabaseSnapshot.ReadAsync(connection, postgres: false, cancellationToken);
        }

        problems.AddRange(snapshot.DifferencesFrom(manifest));
        await using var db = open();
        var chains = await new VerifyAuditTrail(db).HandleAsync(cancellationToken);
        problems.AddRange(chains.Breaks.Select(b => $"practice {b.PracticeId}'s audit chain is broken at {b.Sequence}: {b.Problem}"));
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).Count();
        return new Result([], problems, manifest, chains.Entries, pending);
    }

    private async Task<int> PostgresTablesAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(target.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        return (await DatabaseSnapshot.TablesAsync(connection, postgres: true, cancellationToken)).Count;
    }

    private async Task<int> SqliteTablesAsync(CancellationToken cancellationToken)
    {
        var path = Path.GetFullPath(target.Path);
        if (!File.Exists(path))
        {
            return 0;
        }

        await using var connection = new SqliteConnection(TakeBackup.SqliteConnectionString(path, SqliteOpenMode.ReadOnly));
        await connection.OpenAsync(cancellationToken);
        return (await DatabaseSnapshot.TablesAsync(connection, postgres: false, cancellationToken)).Count;
    }

    private async Task RestoreSqliteAsync(string dump, CancellationToken cancellationToken)
    {
        var path = Path.GetFullPath(target.Path);
        OwnerOnlyFiles.CreateFolderFor(path);
        if (!File.Exists(path))
        {
            OwnerOnlyFiles.WriteNew(path, []);
        }

        // The app's pooled connections to the old file must not outlive its replacement.
        SqliteConnection.ClearPool(new SqliteConnection(target.SqliteConnectionString()));
        await using (var source = new SqliteConnection(TakeBackup.SqliteConnectionString(dump, SqliteOpenMode.ReadOnly)))
        await using (var destination = new SqliteConnection(TakeBackup.SqliteConnectionString(path, SqliteOpenMode.ReadWrite)))
        {
            await source.OpenAsync(cancellationToken);
            await destination.OpenAsync(cancellationToken);
            await TakeBackup.ExecuteAsync(destination, "PRAGMA busy_timeout=5000", cancellationToken);
            // The backup API replaces every page of the target in one step, so a failure leaves the old database.
            source.BackupDatabase(destination);
            await TakeBackup.ExecuteAsync(destination, "PRAGMA journal_mode=WAL", cancellationToken);
        }

        OwnerOnlyFiles.Restrict(path, path + "-wal", path + "-shm");
    }
}
