using Microsoft.EntityFrameworkCore;
using Rapport.Access;
using Rapport.Persistence;
using Rapport.Progress;

namespace Rapport.Web.Startup;

/// <summary>
/// Keeps each practice's expected-response models current in the background (<see cref="RefitExpectedModels"/>), so no
/// request ever fits one. A model older than Progress:ExpectedModelRefitHours (default 24; 0 turns refitting off) is
/// refitted; the check runs a minute after start (start-up's migration and demo data are not raced) and then hourly.
/// A model fitted less than the interval ago is left alone, so restarts and other instances do not refit.
/// </summary>
internal sealed partial class ExpectedModelRefresh(IServiceProvider services, IConfiguration configuration, TimeProvider clock, ILogger<ExpectedModelRefresh> logger) : BackgroundService
{
    private static readonly TimeSpan FirstCheck = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan CheckEvery = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var hours = configuration.GetValue("Progress:ExpectedModelRefitHours", 24.0);
        if (hours <= 0)
        {
            return;
        }

        var refreshAfter = TimeSpan.FromHours(hours);
        await Task.Delay(FirstCheck, clock, stoppingToken);
        using var timer = new PeriodicTimer(refreshAfter < CheckEvery ? refreshAfter : CheckEvery, clock);
        do
        {
            try
            {
                await using var scope = services.CreateAsyncScope();
                await using var db = new RapportDb(scope.ServiceProvider.GetRequiredService<DbContextOptions<RapportDb>>(), new FixedViewerSource(Viewer.System));
                var result = await new RefitExpectedModels(db, clock, scope.ServiceProvider.GetRequiredService<ExpectedModelCache>()).HandleAsync(refreshAfter, stoppingToken);
                if (result.Fitted + result.Default > 0)
                {
                    LogRefitted(logger, result.Fitted, result.Default);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // One failed round (database down) must not stop refitting for good; the stored models stay in use.
                LogFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Expected-response models checked: {Fitted} fitted on practice episodes, {Default} on the default")]
    private static partial void LogRefitted(ILogger logger, int fitted, int @default);

    [LoggerMessage(Level = LogLevel.Error, Message = "Refitting expected-response models failed; retrying at the next check")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
