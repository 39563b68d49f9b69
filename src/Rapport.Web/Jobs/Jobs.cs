namespace Rapport.Web.Jobs;

/// <summary>
/// The background jobs: each a <see cref="SystemJob"/> that, every round, resolves its feature from a new scope as the
/// system viewer (the same feature classes the pages use, built by the container).
/// </summary>
internal static class Jobs
{
    public static IServiceCollection AddRapportJobs(this IServiceCollection services)
    {
        services.AddHostedService<RiskAlertEscalation>();
        services.AddHostedService<CheckInReminderService>();
        services.AddHostedService<ExpectedModelRefresh>();
        services.AddHostedService<AuditCheckpointJob>();
        services.AddHostedService<AuditSubjectIndexJob>();
        services.AddHostedService<BulkExportWorker>();
        return services;
    }
}
