using System.Text.Json;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Rapport.Access;
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

/// <summary>The utterance coder, loaded once per process (model load takes a fraction of a second; prediction is thread-safe).</summary>
public sealed class ListeningCoder : IDisposable
{
    private readonly Lazy<UtteranceCoder> _coder = new(UtteranceCoder.Load);

    public UtteranceCoder Coder => _coder.Value;

    public void Dispose()
    {
        if (_coder.IsValueCreated)
        {
            _coder.Value.Dispose();
        }
    }
}

/// <summary>
/// Codes queued transcripts: parse, code each therapist utterance, compute the listening report, store it.
/// On start it also picks up transcripts left queued by a restart, so an accepted upload is never lost.
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

        await using (var scope = scopes.CreateViewerScope(Viewer.System))
        {
            var db = scope.ServiceProvider.GetRequiredService<RapportDb>();
            var waiting = await db.SessionTranscripts.Where(t => t.Status == TranscriptStatus.Queued).Select(t => t.Id).ToListAsync(stoppingToken);
            waiting.ForEach(queue.Enqueue);
        }

        await foreach (var id in queue.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await AnalyseAsync(id, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(logger, id, ex);
            }
        }
    }

    public async Task AnalyseAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateViewerScope(Viewer.System);
        var db = scope.ServiceProvider.GetRequiredService<RapportDb>();
        var transcript = await db.SessionTranscripts.FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
        if (transcript is not { Status: TranscriptStatus.Queued, Content: { } content })
        {
            return;
        }

        var format = Enum.Parse<TranscriptFormat>(transcript.Format);
        var parsed = TranscriptParser.Parse(content, format, new SpeakerMapping(transcript.TherapistSpeaker));
        if (!parsed.Succeeded)
        {
            transcript.Status = TranscriptStatus.Failed;
            transcript.Error = string.Join("; ", parsed.Errors.Take(5).Select(e => $"line {e.Line}: {e.Message}"));
        }
        else
        {
            var coded = coder.Coder.Code(parsed.Transcript!);
            var report = ListeningReport.Build(coded);
            transcript.ReportJson = ListeningJson.ToJson(coded, report);
            transcript.SummaryJson = JsonSerializer.Serialize(report.Summary);
            transcript.Status = TranscriptStatus.Analysed;
            transcript.AnalysedAt = clock.GetUtcNow().UtcDateTime;
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Analysing transcript {Id} failed")]
    private static partial void LogFailed(ILogger logger, Guid id, Exception exception);
}
