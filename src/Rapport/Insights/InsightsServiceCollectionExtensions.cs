using Microsoft.Extensions.DependencyInjection;

namespace Rapport.Insights;

public static class InsightsServiceCollectionExtensions
{
    /// <summary>The features of a practice's insights (its outcomes as aggregates).</summary>
    public static IServiceCollection AddInsights(this IServiceCollection services)
    {
        services.AddScoped<GetInsights>();
        return services;
    }
}
