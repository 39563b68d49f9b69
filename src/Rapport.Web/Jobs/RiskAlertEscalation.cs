using Rapport.Alerts;
using Rapport.Email;
using Rapport.Persistence;

namespace Rapport.Web.Jobs;

/// <summary>Runs <see cref="EscalateRiskAlerts"/> every few minutes (Alerts:EscalationCheckMinutes, default 10; 0 turns it off).</summary>
internal sealed partial class RiskAlertEscalation(IServiceProvider services, IConfiguration configuration, TimeProvider clock, ILogger<RiskAlertEscalation> logger)
    : SystemJob(services, clock, logger)
{
    protected override TimeSpan? Interval =>
        configuration.GetValue("Alerts:EscalationCheckMinutes", 10) is > 0 and var minutes ? TimeSpan.FromMinutes(minutes) : null;

    protected override async Task RunRoundAsync(IServiceProvider scoped, CancellationToken cancellationToken)
    {
        var escalated = await scoped.GetRequiredService<EscalateRiskAlerts>().HandleAsync(cancellationToken);
        if (escalated > 0)
        {
            LogEscalated(Logger, escalated);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Escalated {Count} unacknowledged risk alert(s)")]
    private static partial void LogEscalated(ILogger logger, int count);
}
