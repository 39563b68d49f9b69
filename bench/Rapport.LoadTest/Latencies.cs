using System.Collections.Concurrent;
using System.Diagnostics;

namespace Rapport.LoadTest;

/// <summary>Every request's duration by kind, and every failure (with the first few messages, to say what went wrong).</summary>
internal sealed class Latencies
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<double>> _durations = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _errors = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _samples = new();
    private long _requests;

    public long Requests => Interlocked.Read(ref _requests);

    public int Errors => _errors.Values.Sum();

    public IReadOnlyCollection<string> ErrorSamples => _samples;

    /// <summary>Runs one request of this kind, timing it; a failure is counted and rethrown only if it is cancellation.</summary>
    public async Task<T?> TimeAsync<T>(string kind, Func<Task<T>> request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _requests);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var result = await request();
            _durations.GetOrAdd(kind, _ => new()).Enqueue(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return result;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // A load test counts every failure and goes on; it is reported, not hidden.
        catch (Exception e)
#pragma warning restore CA1031
        {
            _errors.AddOrUpdate(kind, 1, (_, n) => n + 1);
            if (_samples.Count < 20)
            {
                _samples.Enqueue($"{kind}: {e.GetType().Name}: {e.Message}");
            }

            return default;
        }
    }

    public IReadOnlyList<KindSummary> Summaries(TimeSpan elapsed) =>
    [
        .. _durations.Keys.Union(_errors.Keys).Order(StringComparer.Ordinal).Select(kind =>
        {
            var sorted = _durations.TryGetValue(kind, out var d) ? d.Order().ToArray() : [];
            return new KindSummary(kind, sorted.Length, _errors.GetValueOrDefault(kind),
                Percentile(sorted, 0.50), Percentile(sorted, 0.95), Percentile(sorted, 0.99), sorted.Length / elapsed.TotalSeconds);
        }),
    ];

    public int Count(string kind) => _durations.TryGetValue(kind, out var d) ? d.Count : 0;

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}

internal sealed record KindSummary(string Kind, int Ok, int Errors, double P50, double P95, double P99, double PerSecond);
