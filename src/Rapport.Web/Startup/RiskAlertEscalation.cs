using Microsoft.EntityFrameworkCore;
using Rapport.Access;
using Rapport.Alerts;
using Rapport.Email;
using Rapport.Persistence;

namespace Rapport.Web.Startup;

/// <summary>
/// Runs <see cref="EscalateRiskAlerts"/> every few minutes (Alerts:EscalationCheckMinutes, default 10; 0 turns it off).
/// The first check waits one interval, so start-up (migration, demo data) is never raced.
/// </summary>
internal sealed partial class RiskAlertEscalation(IServiceProvider services, IConfiguration configuration, TimeProvider clock, ILogger<RiskAlertEscalation> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var minutes = configuration.GetValue("Alerts:EscalationCheckMinutes", 10);
        if (minutes <= 0)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(minutes), clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = services.CreateAsyncScope();
                await using var db = new RapportDb(scope.ServiceProvider.GetRequiredService<DbContextOptions<RapportDb>>(), new FixedViewerSource(Viewer.System));
                var escalated = await new EscalateRiskAlerts(db, scope.ServiceProvider.GetRequiredService<IMailer>(), clock).HandleAsync(stoppingToken);
                if (escalated > 0)
                {
                    LogEscalated(logger, escalated);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // One failed round (database or mail server down) must not stop escalation for good.
                LogFailed(logger, ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Escalated {Count} unacknowledged risk alert(s)")]
    private static partial void LogEscalated(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Risk alert escalation failed; retrying at the next interval")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
