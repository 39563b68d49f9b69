using Rapport.Audit;
using Rapport.Persistence;

namespace Rapport.Web.Jobs;

/// <summary>
/// Publishes every practice's audit chain head to the checkpoint log (outside the database) and to the app log, every
/// <c>Audit:CheckpointMinutes</c> (default 15; 0 turns it off), so removing the newest entries is detectable.
/// </summary>
internal sealed partial class AuditCheckpointJob(IServiceProvider services, IConfiguration configuration, TimeProvider clock, ILogger<AuditCheckpointJob> logger)
    : SystemJob(services, clock, logger)
{
    protected override TimeSpan? Interval => configuration.GetValue("Audit:CheckpointMinutes", 15) is > 0 and var minutes ? TimeSpan.FromMinutes(minutes) : null;

    protected override TimeSpan? FirstRoundAfter => TimeSpan.FromMinutes(1);

    protected override bool OneInstancePerRound => true;

    protected override async Task RunRoundAsync(IServiceProvider scoped, CancellationToken cancellationToken)
    {
        var log = AuditCheckpointLog.From(configuration, scoped.GetRequiredService<DatabaseOptions>());
        var db = scoped.GetRequiredService<RapportDb>();
        foreach (var checkpoint in await new PublishAuditCheckpoints(db, log, Clock).HandleAsync(cancellationToken))
        {
            LogCheckpoint(Logger, checkpoint.PracticeId, checkpoint.Sequence, checkpoint.Hash);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Audit checkpoint: practice {PracticeId} head {Sequence} {Hash}")]
    private static partial void LogCheckpoint(ILogger logger, Guid practiceId, long sequence, string hash);
}
