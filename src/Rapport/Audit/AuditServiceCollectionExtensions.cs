using Microsoft.Extensions.DependencyInjection;

namespace Rapport.Audit;

public static class AuditServiceCollectionExtensions
{
    /// <summary>The features of the request context every audit entry records, the trail and who looked at a record.</summary>
    public static IServiceCollection AddAudit(this IServiceCollection services)
    {
        services.AddScoped<AuditContext>();
        services.AddScoped<AuditTrail>();
        services.AddScoped<GetRecordAccess>();
        return services;
    }
}
