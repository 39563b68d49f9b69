using System.Collections.Concurrent;

namespace Rapport.Durability.Tests;

/// <summary>
/// The demo's clients checking in at once against a running <see cref="AppProcess"/>, sized by environment variables
/// so the same test runs small in ./test.sh and big on demand (docs/operations.md):
/// <c>RAPPORT_DURABILITY_CLIENTS</c> at once (default 8), <c>RAPPORT_DURABILITY_SECONDS</c> of load at most (default 20).
/// </summary>
internal sealed class DurabilityRun
{
    public static int Concurrency => Number("RAPPORT_DURABILITY_CLIENTS", 8);

    public static TimeSpan Budget => TimeSpan.FromSeconds(Number("RAPPORT_DURABILITY_SECONDS", 20));

    public static int Kills => Number("RAPPORT_DURABILITY_KILLS", 1);

    /// <summary>Every demo client who can check in: Harbour's 40 (two couples, a group) and Northside's 5.</summary>
    public static IReadOnlyList<string> DemoClients { get; } =
        [.. Enumerable.Range(1, 40).Select(i => $"client{i}@harbour.example"), .. Enumerable.Range(1, 5).Select(i => $"client{i}@northside.example")];

    private readonly ConcurrentQueue<string> _waiting;
    private readonly List<Task> _workers = [];

    public DurabilityRun(Uri address, CancellationToken stop)
    {
        Log = new AcknowledgedLog();
        _waiting = new ConcurrentQueue<string>(DemoClients);
        for (var i = 0; i < Concurrency; i++)
        {
            _workers.Add(Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested && _waiting.TryDequeue(out var email))
                {
                    await new CheckInClient(address, email, Log).RunAsync(stop);
                }
            }, CancellationToken.None));
        }
    }

    public AcknowledgedLog Log { get; }

    public Task Finished => Task.WhenAll(_workers);

    /// <summary>Waits until <paramref name="answers"/> answers are acknowledged in all (or the run ends).</summary>
    public async Task AcknowledgedAsync(int answers, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (Log.Answers.Count < answers && !Finished.IsCompleted && DateTime.UtcNow < until)
        {
            await Task.Delay(50);
        }
    }

    private static int Number(string variable, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), out var value) && value > 0 ? value : fallback;
}
