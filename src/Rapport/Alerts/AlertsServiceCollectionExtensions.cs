using Microsoft.Extensions.DependencyInjection;

namespace Rapport.Alerts;

public static class AlertsServiceCollectionExtensions
{
    /// <summary>The features of risk alerts.</summary>
    public static IServiceCollection AddAlerts(this IServiceCollection services)
    {
        services.AddScoped<AcknowledgeRiskAlert>();
        services.AddScoped<EscalateRiskAlerts>();
        return services;
    }
}
