using Rapport.Access;
using Rapport.Fhir.Export;
using Rapport.Jobs;

namespace Rapport.Web.Jobs;

/// <summary>
/// Runs Bulk Data exports: wakes when one is queued (or every <c>Fhir:ExportPollSeconds</c>, default 10, for one another
/// instance queued or left behind), claims it as the system viewer (<see cref="ExportQueue"/>, a <see cref="JobLease"/>),
/// renews the lease while it runs, and runs it in a scope made for the system that asked (<see cref="RunExport"/>), so
/// the same query filters apply as to that system's reads. Every round also deletes exports past their retention.
/// </summary>
internal sealed partial class BulkExportWorker(IServiceProvider services, ExportSignal signal, IConfiguration configuration, TimeProvider clock, ILogger<BulkExportWorker> logger)
    : BackgroundService
{
    private readonly string _owner = JobLease.NewOwner();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var poll = TimeSpan.FromSeconds(configuration.GetValue("Fhir:ExportPollSeconds", 10));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await RunOneAsync(stoppingToken))
                {
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(logger, ex);
            }

            await signal.WaitAsync(poll, stoppingToken);
        }
    }

    /// <summary>Claims and runs one export; false when none was waiting.</summary>
    private async Task<bool> RunOneAsync(CancellationToken stoppingToken)
    {
        (ExportJob Job, Rapport.Systems.ConnectedSystem System)? claimed;
        await using (var scope = services.CreateViewerScope(Viewer.System))
        {
            var queue = scope.ServiceProvider.GetRequiredService<ExportQueue>();
            await queue.PurgeExpiredAsync(stoppingToken);
            claimed = await queue.ClaimNextAsync(_owner, stoppingToken);
        }

        if (claimed is not { } work)
        {
            return false;
        }

        using var running = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var renewal = RenewWhileRunningAsync(work.Job.Id, running.Token);
        try
        {
            var system = work.System;
            var viewer = Viewer.ForConnectedSystem(system.Id, system.Name, system.PracticeId, Rapport.Systems.SystemScopes.Split(system.Scopes), system.Research);
            await using var scope = services.CreateViewerScope(viewer);
            await scope.ServiceProvider.GetRequiredService<RunExport>().HandleAsync(work.Job.Id, _owner, running.Token);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            // Left claimed: the lease lapses and the export is tried again (at most ExportQueue.MaxAttempts times).
            Rapport.Telemetry.RapportMetrics.JobFailed(nameof(BulkExportWorker));
            LogExportFailed(logger, work.Job.Id, ex);
        }
        finally
        {
            await running.CancelAsync();
            await renewal;
        }

        return true;
    }

    private async Task RenewWhileRunningAsync(Guid jobId, CancellationToken cancellationToken)
    {
        try
        {
            using var timer = new PeriodicTimer(ExportQueue.Lease / 3, clock);
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                await using var scope = services.CreateViewerScope(Viewer.System);
                var db = scope.ServiceProvider.GetRequiredService<Rapport.Persistence.RapportDb>();
                if (!await JobLease.RenewAsync(db.ExportJobs, jobId, _owner, clock.GetUtcNow().UtcDateTime, ExportQueue.Lease, cancellationToken))
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The export finished (or the host stops): nothing more to renew.
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The bulk export worker's round failed; retrying at the next round")]
    private static partial void LogFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Bulk export {JobId} failed; it is tried again when its lease lapses")]
    private static partial void LogExportFailed(ILogger logger, Guid jobId, Exception exception);
}
