using Rapport.Persistence;
using Xunit.Abstractions;

namespace Rapport.Durability.Tests;

/// <summary>Runs only where a formation can be started: as root (the servers run as the postgres user) with pg_autoctl installed.</summary>
public sealed class FormationFactAttribute : FactAttribute
{
    public FormationFactAttribute()
    {
        if (!Shell.IsRoot)
        {
            Skip = "pg_auto_failover runs its servers as the postgres user: run as root (./test.sh does)";
        }
        else if (!File.Exists("/usr/bin/pg_autoctl"))
        {
            Skip = "pg_autoctl is not installed: apt-get install -y postgresql-15-auto-failover (./test.sh installs it)";
        }
    }
}

/// <summary>
/// Issue 13 item 5: a three-node pg_auto_failover formation (monitor, primary, synchronous secondary) on loopback, the
/// app on a multi-host connection string; the primary node is killed (kill -9 of its keeper and postmaster) while
/// clients check in. The secondary is promoted, the same app process writes again, every acknowledged answer is there,
/// no request got a 500, and the time without writes is reported.
/// </summary>
public sealed class FailoverTests(ITestOutputHelper output)
{
    [FormationFact]
    public async Task PrimaryKilled_DuringCheckIns_AppWritesAgainWithoutRestartAndLosesNothing()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"rapport-failover-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        var formation = Path.Combine(folder, "formation");
        Directory.CreateDirectory(formation);
        var script = Path.Combine(Shell.RepositoryRoot(), "bench", "failover", "formation.sh");
        try
        {
            var monitorPort = int.TryParse(Environment.GetEnvironmentVariable("RAPPORT_FAILOVER_PORT"), out var p) ? p : Shell.FreePorts(3);
            var started = DateTime.UtcNow;
            var connection = (await Shell.RunAsync(script, "start", formation, monitorPort.ToString(System.Globalization.CultureInfo.InvariantCulture))).Trim().Split('\n')[^1];
            output.WriteLine($"formation up in {(DateTime.UtcNow - started).TotalSeconds:F1} s: {connection}");
            var database = new DatabaseOptions { Provider = DatabaseProvider.Postgres, ConnectionString = connection, KeyRingPath = Path.Combine(folder, "keys", "field-keys.json") };

            await using var app = new AppProcess(folder, AppProcess.SettingsFor(folder, database));
            await app.StartAsync();
            var since = DateTime.UtcNow;
            using var stop = new CancellationTokenSource();
            var run = new DurabilityRun(app.Address, stop.Token);
            await run.AcknowledgedAsync(40, TimeSpan.FromSeconds(30));
            var killed = (await Shell.RunAsync(script, "kill-primary", formation, "node")).Trim();
            var killedAt = DateTime.UtcNow;
            var atKill = run.Log.Answers.Count;
            output.WriteLine($"killed {killed} after {atKill} acknowledged answers");

            // The same app process, never restarted, must acknowledge answers again once the standby is promoted.
            var until = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (run.Log.Answers.Count <= atKill + 10 && !run.Finished.IsCompleted && DateTime.UtcNow < until)
            {
                await Task.Delay(100);
            }

            await Task.WhenAny(run.Finished, Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None));
            await stop.CancelAsync();
            await run.Finished;
            var gap = run.Log.LongestGap(killedAt.AddSeconds(-1));
            var primary = (await Shell.RunAsync(script, "primary", formation)).Trim();
            var problems = await CheckInLedger.ProblemsAsync(database, run.Log, since);
            output.WriteLine($"new primary {primary}; write gap {gap.TotalSeconds:F1} s; {run.Log.Answers.Count} answers acknowledged ({run.Log.Answers.Count - atKill} after the kill), {run.Log.Unavailable} answered 503; lost or partial: {problems.Count}");
            Console.WriteLine($"FAILOVER write gap {gap.TotalSeconds:F1} s (killed {killed}, new primary {primary})");

            Assert.NotEqual(killed.Split(' ')[0], primary.Split(' ')[0]);
            Assert.True(run.Log.Answers.Count > atKill, "the app wrote again after the failover, without a restart");
            Assert.Empty(run.Log.Problems);
            Assert.True(problems.Count == 0, string.Join('\n', problems));
            Assert.InRange(gap, TimeSpan.Zero, TimeSpan.FromSeconds(45));
        }
        finally
        {
            Npgsql.NpgsqlConnection.ClearAllPools();
            await Shell.RunAsync(script, "stop", formation);
            SigKillTests.TryDelete(folder);
        }
    }
}
