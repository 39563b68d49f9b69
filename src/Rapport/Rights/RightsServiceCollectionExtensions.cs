using Microsoft.Extensions.DependencyInjection;

namespace Rapport.Rights;

public static class RightsServiceCollectionExtensions
{
    /// <summary>The features of a client's erasure and restriction requests.</summary>
    public static IServiceCollection AddRights(this IServiceCollection services)
    {
        services.AddScoped<RequestErasureOrRestriction>();
        return services;
    }
}
