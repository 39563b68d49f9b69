using Rapport.Persistence;
using Rapport.Progress;

namespace Rapport.Web.Jobs;

/// <summary>
/// Keeps each practice's expected-response models current in the background (<see cref="RefitExpectedModels"/>), so no
/// request ever fits one. A model older than Progress:ExpectedModelRefitHours (default 24; 0 turns refitting off) is
/// refitted; the check runs a minute after start (start-up's migration and demo data are not raced) and then hourly.
/// A model fitted less than the interval ago is left alone, so restarts and other instances do not refit.
/// </summary>
internal sealed partial class ExpectedModelRefresh(IServiceProvider services, IConfiguration configuration, TimeProvider clock, ILogger<ExpectedModelRefresh> logger)
    : SystemJob(services, clock, logger)
{
    private static readonly TimeSpan CheckEvery = TimeSpan.FromHours(1);

    private TimeSpan? RefreshAfter =>
        configuration.GetValue("Progress:ExpectedModelRefitHours", 24.0) is > 0 and var hours ? TimeSpan.FromHours(hours) : null;

    protected override TimeSpan? Interval => RefreshAfter is { } after ? (after < CheckEvery ? after : CheckEvery) : null;

    protected override TimeSpan? FirstRoundAfter => TimeSpan.FromMinutes(1);

    protected override bool OneInstancePerRound => true;

    protected override async Task RunRoundAsync(IServiceProvider scoped, CancellationToken cancellationToken)
    {
        var result = await scoped.GetRequiredService<RefitExpectedModels>().HandleAsync(RefreshAfter!.Value, cancellationToken);
        if (result.Fitted + result.Default > 0)
        {
            LogRefitted(Logger, result.Fitted, result.Default);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Expected-response models checked: {Fitted} fitted on practice episodes, {Default} on the default")]
    private static partial void LogRefitted(ILogger logger, int fitted, int @default);
}
