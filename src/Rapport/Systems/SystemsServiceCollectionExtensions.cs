using Microsoft.Extensions.DependencyInjection;
using Rapport.Persistence;

namespace Rapport.Systems;

public static class SystemsServiceCollectionExtensions
{
    /// <summary>Registering and revoking the systems that read a practice's records (SMART Backend Services).</summary>
    public static IServiceCollection AddSystems(this IServiceCollection services)
    {
        // The systems' OAuth clients live in OpenIddict's application store, on RapportDb (docs/decisions/0016); the host
        // adds the token endpoint (OpenIddict's server) on top.
        services.AddOpenIddict().AddCore(o => o.UseEntityFrameworkCore().UseDbContext<RapportDb>());
        services.AddScoped<RegisterConnectedSystem>();
        services.AddScoped<RevokeConnectedSystem>();
        services.AddScoped<ListConnectedSystems>();
        return services;
    }
}
