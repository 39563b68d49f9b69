using Rapport.Access;
using Rapport.Jobs;
using Rapport.Persistence;

namespace Rapport.Web.Jobs;

/// <summary>
/// Background work done in rounds, as the system viewer, on the app's clock: risk-alert escalation, check-in reminders,
/// the practice models' refit. Each round gets its own scope and database context. A failed round (database or mail
/// server down) is logged and never stops the next one. Without <see cref="FirstRoundAfter"/> the first round waits a
/// whole interval, so start-up (migration, demo data) is never raced.
/// </summary>
internal abstract partial class SystemJob(IServiceProvider services, TimeProvider clock, ILogger logger) : BackgroundService
{
    protected TimeProvider Clock => clock;

    protected ILogger Logger => logger;

    /// <summary>Time between rounds; <c>null</c> when configuration turns the job off.</summary>
    protected abstract TimeSpan? Interval { get; }

    /// <summary>An earlier first round, for work that should not wait a whole interval after start.</summary>
    protected virtual TimeSpan? FirstRoundAfter => null;

    /// <summary>
    /// True for work done as a whole round rather than per claimed row (the audit checkpoints, the model refit): the
    /// instance that claims the round's <see cref="JobClaim"/> runs it and holds it for most of an interval, so with
    /// several instances the round runs about once per interval. Jobs that claim each due row themselves (escalation,
    /// reminders) leave it false: every instance works, and the row's claim decides who does each item.
    /// </summary>
    protected virtual bool OneInstancePerRound => false;

    private readonly string _owner = JobLease.NewOwner();

    /// <summary>One round; <paramref name="scoped"/> resolves the round's features, which see the system viewer.</summary>
    protected abstract Task RunRoundAsync(IServiceProvider scoped, CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (Interval is not { } interval)
        {
            return;
        }

        using var timer = new PeriodicTimer(interval, clock);
        if (FirstRoundAfter is { } first)
        {
            await Task.Delay(first, clock, stoppingToken);
            await RoundAsync(stoppingToken);
        }

        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await RoundAsync(stoppingToken);
        }
    }

    private async Task RoundAsync(CancellationToken stoppingToken)
    {
        try
        {
            await using var scope = services.CreateViewerScope(Viewer.System);
            if (OneInstancePerRound && Interval is { } interval
                && !await JobClaim.TryClaimRoundAsync(scope.ServiceProvider.GetRequiredService<RapportDb>(), GetType().Name, _owner, clock.GetUtcNow().UtcDateTime, interval * 0.9, stoppingToken))
            {
                return;
            }

            await RunRoundAsync(scope.ServiceProvider, stoppingToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Rapport.Telemetry.RapportMetrics.JobFailed(GetType().Name);
            LogFailed(logger, GetType().Name, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Job} failed; retrying at the next round")]
    private static partial void LogFailed(ILogger logger, string job, Exception exception);
}
