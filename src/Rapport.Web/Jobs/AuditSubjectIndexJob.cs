using Rapport.Audit;

namespace Rapport.Web.Jobs;

/// <summary>
/// Indexes the audit entries that named several clients into the access-list look-up, every
/// <c>Audit:SubjectIndexSeconds</c> (default 30; 0 turns it off). Until a round has run, the access list reads the newest
/// entries directly, so nothing is missing in between.
/// </summary>
internal sealed class AuditSubjectIndexJob(IServiceProvider services, IConfiguration configuration, TimeProvider clock, ILogger<AuditSubjectIndexJob> logger)
    : SystemJob(services, clock, logger)
{
    protected override TimeSpan? Interval => configuration.GetValue("Audit:SubjectIndexSeconds", 30) is > 0 and var seconds ? TimeSpan.FromSeconds(seconds) : null;

    // Idempotent, but two instances indexing the same entries at once would collide on the look-up's key.
    protected override bool OneInstancePerRound => true;

    protected override Task RunRoundAsync(IServiceProvider scoped, CancellationToken cancellationToken) =>
        scoped.GetRequiredService<IndexAuditSubjects>().HandleAsync(cancellationToken);
}
