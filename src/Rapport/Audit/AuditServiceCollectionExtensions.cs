using Microsoft.Extensions.DependencyInjection;

namespace Rapport.Audit;

public static class AuditServiceCollectionExtensions
{
    /// <summary>The features of the request context every audit entry records, the trail, who looked at a record, and the trail's verification.</summary>
    public static IServiceCollection AddAudit(this IServiceCollection services)
    {
        services.AddScoped<AuditContext>();
        services.AddScoped<AuditTrail>();
        services.AddScoped<GetRecordAccess>();
        services.AddScoped<VerifyAuditTrail>();
        services.AddScoped<IndexAuditSubjects>();
        return services;
    }
}
