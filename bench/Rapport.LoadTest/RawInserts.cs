using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Rapport.LoadTest;

/// <summary>
/// The physical limit the check-in rate is steered against: the database's own durable insert rate on the same machine,
/// in the same run, at the same concurrency: one row of about a check-in write's size per transaction, committed with
/// the app's durability (SQLite: WAL, synchronous=FULL, as SqliteDurability sets; PostgreSQL: synchronous_commit on,
/// on a server with fsync on).
/// </summary>
internal static class RawInserts
{
    public static async Task<(long Rows, double PerSecond)> SqliteAsync(string path, int concurrency, int rowBytes, TimeSpan duration, CancellationToken cancellationToken)
    {
        var connectionString = $"Data Source={path};Pooling=True";
        await using (var setup = new SqliteConnection(connectionString))
        {
            await setup.OpenAsync(cancellationToken);
            await ExecuteAsync(setup, "PRAGMA journal_mode=WAL; CREATE TABLE IF NOT EXISTS raw_insert (id BLOB PRIMARY KEY, payload TEXT NOT NULL);", cancellationToken);
        }

        return await RunAsync(concurrency, duration, async stop =>
        {
            await using var connection = new SqliteConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            await ExecuteAsync(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000;", cancellationToken);
            await using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO raw_insert (id, payload) VALUES ($id, $payload)";
            var id = insert.Parameters.Add("$id", SqliteType.Blob);
            insert.Parameters.AddWithValue("$payload", new string('x', rowBytes));
            long rows = 0;
            while (!stop.IsCancellationRequested)
            {
                id.Value = Guid.CreateVersion7().ToByteArray();
                await insert.ExecuteNonQueryAsync(cancellationToken);
                rows++;
            }

            return rows;
        });
    }

    public static async Task<(long Rows, double PerSecond)> PostgresAsync(string connectionString, int concurrency, int rowBytes, TimeSpan duration, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = Math.Max(concurrency + 5, 100) };
        await using var source = NpgsqlDataSource.Create(builder.ConnectionString);
        await using (var setup = await source.OpenConnectionAsync(cancellationToken))
        {
            await using var create = new NpgsqlCommand("CREATE TABLE IF NOT EXISTS raw_insert (id uuid PRIMARY KEY, payload text NOT NULL)", setup);
            await create.ExecuteNonQueryAsync(cancellationToken);
            await using var check = new NpgsqlCommand("SELECT current_setting('fsync') || '/' || current_setting('synchronous_commit')", setup);
            var durability = (string?)await check.ExecuteScalarAsync(cancellationToken);
            if (durability != "on/on")
            {
                throw new InvalidOperationException($"The raw insert rate must be measured with fsync and synchronous_commit on; this server has {durability}.");
            }
        }

        return await RunAsync(concurrency, duration, async stop =>
        {
            await using var connection = await source.OpenConnectionAsync(cancellationToken);
            await using var insert = new NpgsqlCommand("INSERT INTO raw_insert (id, payload) VALUES ($1, $2)", connection);
            var id = new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid };
            insert.Parameters.Add(id);
            insert.Parameters.Add(new NpgsqlParameter { Value = new string('x', rowBytes) });
            long rows = 0;
            while (!stop.IsCancellationRequested)
            {
                id.Value = Guid.CreateVersion7();
                await insert.ExecuteNonQueryAsync(cancellationToken);
                rows++;
            }

            return rows;
        });
    }

    private static async Task<(long Rows, double PerSecond)> RunAsync(int concurrency, TimeSpan duration, Func<CancellationToken, Task<long>> worker)
    {
        using var stop = new CancellationTokenSource(duration);
        var started = Stopwatch.GetTimestamp();
        var counts = await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(() => worker(stop.Token))));
        var elapsed = Stopwatch.GetElapsedTime(started);
        var rows = counts.Sum();
        return (rows, rows / elapsed.TotalSeconds);
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
