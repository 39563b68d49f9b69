using Microsoft.Extensions.DependencyInjection;

namespace Rapport.Consents;

public static class ConsentsServiceCollectionExtensions
{
    /// <summary>The features of consents given and withdrawn.</summary>
    public static IServiceCollection AddConsents(this IServiceCollection services)
    {
        services.AddScoped<ConsentLedger>();
        return services;
    }
}
