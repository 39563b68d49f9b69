using Microsoft.EntityFrameworkCore;
using Rapport.Access;
using Rapport.Email;
using Rapport.Measures;
using Rapport.Persistence;
using Rapport.Reminders;

namespace Rapport.Web.Startup;

/// <summary>
/// Runs <see cref="SendCheckInReminders"/> every few minutes (Reminders:CheckMinutes, default 15; 0 turns reminders off).
/// Several instances may run it at once: the reminder's unique key decides which one sends.
/// </summary>
internal sealed partial class CheckInReminderService(IServiceProvider services, IConfiguration configuration, TimeProvider clock, ILogger<CheckInReminderService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var minutes = configuration.GetValue("Reminders:CheckMinutes", 15);
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
                var sent = await new SendCheckInReminders(db, scope.ServiceProvider.GetRequiredService<IMailer>(), clock, scope.ServiceProvider.GetRequiredService<EmailOptions>(),
                        scope.ServiceProvider.GetRequiredService<InstrumentSource>())
                    .HandleAsync(stoppingToken);
                if (sent > 0)
                {
                    LogSent(logger, sent);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A failed round (database or mail server down) must not stop reminders for good.
                LogFailed(logger, ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sent {Count} check-in reminder(s)")]
    private static partial void LogSent(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Check-in reminders failed; retrying at the next interval")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
