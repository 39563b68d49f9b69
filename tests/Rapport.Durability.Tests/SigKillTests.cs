using Rapport.Persistence;
using Xunit.Abstractions;

namespace Rapport.Durability.Tests;

/// <summary>
/// Issue 13 item 4: the app is killed with SIGKILL while clients check in. The database as the crash left it, and again
/// after a restart and the rest of the load, holds every answer a client saw acknowledged, with its exact value, and no
/// half-written check-in (<see cref="CheckInLedger"/>).
/// </summary>
public sealed class SigKillTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task SigKill_DuringCheckIns_LosesNoAcknowledgedAnswerAndLeavesNoPartialCheckIn(DatabaseProvider provider)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"rapport-durability-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        DurablePostgres? postgres = null;
        try
        {
            var keyRing = Path.Combine(folder, "keys", "field-keys.json");
            DatabaseOptions database;
            if (provider == DatabaseProvider.Sqlite)
            {
                // The run's seeded demo file, copied; the app process opens it with production's synchronous=FULL.
                var path = Path.Combine(folder, "data", "rapport.db");
                await TestDatabase.CopySeededSqliteAsync(path, keyRing);
                database = new DatabaseOptions { Provider = provider, Path = path, KeyRingPath = keyRing };
            }
            else
            {
                postgres = await DurablePostgres.StartAsync(folder);
                database = new DatabaseOptions { Provider = provider, ConnectionString = postgres.ConnectionString, KeyRingPath = keyRing };
            }

            await using var app = new AppProcess(folder, AppProcess.SettingsFor(folder, database));
            await app.StartAsync();
            var since = DateTime.UtcNow;
            using var stop = new CancellationTokenSource();
            var run = new DurabilityRun(app.Address, stop.Token);
            var restart = TimeSpan.Zero;
            for (var kill = 1; kill <= DurabilityRun.Kills; kill++)
            {
                await run.AcknowledgedAsync(run.Log.Answers.Count + 40, TimeSpan.FromSeconds(20));
                app.Kill();
                var atKill = run.Log.Answers.Count;
                // The database exactly as the crash left it, before anything can repair it.
                var afterCrash = await CheckInLedger.ProblemsAsync(database, Snapshot(run.Log), since);
                Assert.True(afterCrash.Count == 0, $"after kill {kill}:\n{string.Join('\n', afterCrash)}");
                var started = DateTime.UtcNow;
                await app.StartAsync();
                restart = DateTime.UtcNow - started;
                output.WriteLine($"kill {kill}: {atKill} answers acknowledged before it; restarted in {restart.TotalSeconds:F1} s");
            }

            var beforeEnd = run.Log.Answers.Count;
            // The budget counts from the last restart: a start on a busy machine takes seconds of its own.
            await Task.WhenAny(run.Finished, Task.Delay(DurabilityRun.Budget, CancellationToken.None));
            await stop.CancelAsync();
            await run.Finished;
            app.Kill();

            var problems = await CheckInLedger.ProblemsAsync(database, run.Log, since);
            output.WriteLine($"{provider}: {run.Log.Answers.Count} answers and {run.Log.Notes.Count} notes acknowledged, {run.Log.Refused} requests found no server, {run.Log.Unavailable} got 503; lost or partial: {problems.Count}");
            Assert.True(run.Log.Answers.Count > beforeEnd, "clients went on checking in after the restart");
            Assert.Empty(run.Log.Problems);
            Assert.True(problems.Count == 0, string.Join('\n', problems));
        }
        finally
        {
            if (postgres is not null)
            {
                await postgres.DisposeAsync();
            }

            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            TryDelete(folder);
        }
    }

    /// <summary>The acknowledgements so far: requests still in flight at the kill were never acknowledged.</summary>
    private static AcknowledgedLog Snapshot(AcknowledgedLog log)
    {
        var copy = new AcknowledgedLog();
        foreach (var answer in log.Answers.ToArray())
        {
            copy.Answers.Enqueue(answer);
        }

        foreach (var note in log.Notes.ToArray())
        {
            copy.Notes.Enqueue(note);
        }

        return copy;
    }

    internal static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a finishing process; the temp folder is cleaned by the OS.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
