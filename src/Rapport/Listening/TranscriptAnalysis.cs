using System.Text.Json;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Rapport.Access;
using Rapport.Jobs;
using Rapport.Listening.Coding;
using Rapport.Listening.Transcripts;
using Rapport.Persistence;

namespace Rapport.Listening;

/// <summary>Transcripts waiting for analysis. Uploads return at once; the worker codes them in the background.</summary>
public sealed class TranscriptAnalysisQueue
{
    private readonly Channel<Guid> _channel = Channel.CreateUnbounded<Guid>();

    public ChannelReader<Guid> Reader => _channel.Reader;

    public void Enqueue(Guid transcriptId) => _channel.Writer.TryWrite(transcriptId);
}

/// <summary>
/// The utterance coder for uploaded transcripts, loaded once per process on first use (prediction is thread-safe).
/// Quality mode by default: the fine-tuned transformer agrees more with experts than the fast model on every main code
/// (grouped 5-fold CV, macro-F1 0.753 against 0.730, docs/listening.md) and also codes client talk.
/// <c>Listening:Mode</c> = <c>fast</c> chooses the word-based model (about a tenth of the CPU a session); when the
/// quality model cannot be loaded (missing, corrupt, no native runtime for the platform) the fast model codes instead,
/// and the report says which did.
/// </summary>
public sealed partial class ListeningCoder : IDisposable
{
    private readonly Lazy<IUtteranceCoder> _coder;

    public ListeningCoder(CodingMode mode, ILogger<ListeningCoder>? logger) =>
        _coder = new(() => LoadWithFallback(mode, logger), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>
    /// The mode configured for the app (<c>Listening:Mode</c>, default quality: see the class comment). A value that
    /// is neither is a configuration mistake, refused with its name rather than quietly read as the default.
    /// </summary>
    public static CodingMode ConfiguredMode(string? value) => string.IsNullOrWhiteSpace(value)
        ? CodingMode.Quality
        : UtteranceCoders.Parse(value) ?? throw new InvalidOperationException($"Listening:Mode must be fast or quality, not '{value}'.");

    public IUtteranceCoder Coder => _coder.Value;

    /// <summary>Loads the coder for <paramref name="mode"/>, or the fast coder when the quality model fails to load.</summary>
    public static IUtteranceCoder LoadWithFallback(CodingMode mode, ILogger? logger, Func<CodingMode, IUtteranceCoder>? load = null)
    {
        load ??= UtteranceCoders.Load;
        if (mode == CodingMode.Fast)
        {
            return load(CodingMode.Fast);
        }

        try
        {
            return load(CodingMode.Quality);
        }
        catch (Exception ex) when (ex is InvalidOperationException or InvalidDataException or IOException or DllNotFoundException or TypeInitializationException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException)
        {
            if (logger is not null)
            {
                LogFallback(logger, ex);
            }

            return load(CodingMode.Fast);
        }
    }

    public void Dispose()
    {
        if (_coder.IsValueCreated)
        {
            _coder.Value.Dispose();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The quality listening model could not be loaded; transcripts are coded in fast mode")]
    private static partial void LogFallback(ILogger logger, Exception exception);
}

/// <summary>Codes one parsed transcript and fills in its stored report: the one home for the worker and the demo.</summary>
public static class AnalyseTranscript
{
    public static void Into(SessionTranscript transcript, Transcript parsed, IUtteranceCoder coder, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        ArgumentNullException.ThrowIfNull(parsed);
        ArgumentNullException.ThrowIfNull(coder);
        var coded = coder.Code(parsed);
        var report = ListeningReport.Build(coded);
        transcript.ReportJson = ListeningJson.ToJson(coded, report);
        transcript.SummaryJson = JsonSerializer.Serialize(report.Summary);
        transcript.Status = TranscriptStatus.Analysed;
        transcript.AnalysedAt = now;
    }
}

/// <summary>
/// Codes queued transcripts: parse, code each therapist utterance, compute the listening report, store it.
/// Every instance also polls for queued transcripts nobody holds (left by a restart, or by an instance that stopped),
/// and claims each before coding it, so an accepted upload is never lost and is coded once across instances.
/// </summary>
public sealed partial class TranscriptAnalysisWorker(
    IServiceScopeFactory scopes,
    TranscriptAnalysisQueue queue,
    ListeningCoder coder,
    TimeProvider clock,
    ILogger<TranscriptAnalysisWorker> logger,
    IHostApplicationLifetime lifetime) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Start-up migrates the database first; touch it only once the app has started.
        if (!lifetime.ApplicationStarted.IsCancellationRequested)
        {
            var started = new TaskCompletionSource();
            using var onStarted = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
            using var onStopping = stoppingToken.Register(() => started.TrySetCanceled(stoppingToken));
            await started.Task;
        }

        using var polling = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var poll = PollAsync(polling.Token);
        try
        {
            await foreach (var id in queue.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await AnalyseAsync(id, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    Telemetry.RapportMetrics.JobFailed(nameof(TranscriptAnalysisWorker));
                    LogFailed(logger, id, ex);
                }
            }
        }
        finally
        {
            await polling.CancelAsync();
            await poll;
        }
    }

    /// <summary>How often queued transcripts nobody holds are picked up: left by a restart, or by an instance that stopped.</summary>
    public static readonly TimeSpan PollEvery = TimeSpan.FromSeconds(30);

    /// <summary>How long an instance holds a transcript while coding it; after a crash another instance takes it over.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(10);

    private readonly string _owner = JobLease.NewOwner();

    private async Task PollAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    await using var scope = scopes.CreateViewerScope(Viewer.System);
                    var db = scope.ServiceProvider.GetRequiredService<RapportDb>();
                    var now = clock.GetUtcNow().UtcDateTime;
                    var waiting = await db.SessionTranscripts
                        .Where(t => t.Status == TranscriptStatus.Queued && (t.LeaseExpiresAt == null || t.LeaseExpiresAt < now))
                        .Select(t => t.Id).ToListAsync(cancellationToken);
                    waiting.ForEach(queue.Enqueue);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogPollFailed(logger, ex);
                }

                await Task.Delay(PollEvery, clock, cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            // The host stops.
        }
    }

    /// <summary>Claims and codes one queued transcript; false when it was not queued or another instance holds it.</summary>
    public async Task<bool> AnalyseAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateViewerScope(Viewer.System);
        var db = scope.ServiceProvider.GetRequiredService<RapportDb>();
        // Every instance polls the same queue: the lease decides which one codes it (JobLease).
        if (!await JobLease.TryClaimAsync(db.SessionTranscripts.Where(t => t.Status == TranscriptStatus.Queued), id, _owner, clock.GetUtcNow().UtcDateTime, Lease, cancellationToken))
        {
            return false;
        }

        var transcript = await db.SessionTranscripts.FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
        if (transcript is not { Status: TranscriptStatus.Queued, Content: { } content })
        {
            await JobLease.ReleaseAsync(db.SessionTranscripts, id, _owner, CancellationToken.None);
            return false;
        }

        try
        {
            var format = Enum.Parse<TranscriptFormat>(transcript.Format);
            var parsed = TranscriptParser.Parse(content, format, new SpeakerMapping(transcript.TherapistSpeaker));
            if (!parsed.Succeeded)
            {
                transcript.Status = TranscriptStatus.Failed;
                transcript.Error = string.Join("; ", parsed.Errors.Take(5).Select(e => $"line {e.Line}: {e.Message}"));
            }
            else
            {
                AnalyseTranscript.Into(transcript, parsed.Transcript!, coder.Coder, clock.GetUtcNow().UtcDateTime);
            }

            transcript.LeaseOwner = null;
            transcript.LeaseExpiresAt = null;
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            await JobLease.ReleaseAsync(db.SessionTranscripts, id, _owner, CancellationToken.None);
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Looking for queued transcripts failed; trying again at the next poll")]
    private static partial void LogPollFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Analysing transcript {Id} failed")]
    private static partial void LogFailed(ILogger logger, Guid id, Exception exception);
}
