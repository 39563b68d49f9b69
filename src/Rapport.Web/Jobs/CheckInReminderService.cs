using Rapport.Email;
using Rapport.Measures;
using Rapport.Persistence;
using Rapport.Reminders;

namespace Rapport.Web.Jobs;

/// <summary>
/// Runs <see cref="SendCheckInReminders"/> every few minutes (Reminders:CheckMinutes, default 15; 0 turns reminders off).
/// Several instances may run it at once: the reminder's unique key decides which one sends.
/// </summary>
internal sealed partial class CheckInReminderService(IServiceProvider services, IConfiguration configuration, TimeProvider clock, ILogger<CheckInReminderService> logger)
    : SystemJob(services, clock, logger)
{
    protected override TimeSpan? Interval =>
        configuration.GetValue("Reminders:CheckMinutes", 15) is > 0 and var minutes ? TimeSpan.FromMinutes(minutes) : null;

    protected override async Task RunRoundAsync(IServiceProvider scoped, CancellationToken cancellationToken)
    {
        var sent = await scoped.GetRequiredService<SendCheckInReminders>().HandleAsync(cancellationToken);
        if (sent > 0)
        {
            Rapport.Telemetry.RapportMetrics.RemindersSent.Add(sent);
            LogSent(Logger, sent);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sent {Count} check-in reminder(s)")]
    private static partial void LogSent(ILogger logger, int count);
}
