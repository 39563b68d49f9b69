using Microsoft.Extensions.DependencyInjection;

namespace Rapport.BreakGlass;

public static class BreakGlassServiceCollectionExtensions
{
    /// <summary>The features of a practice admin's break-glass access.</summary>
    public static IServiceCollection AddBreakGlass(this IServiceCollection services)
    {
        services.AddScoped<OpenBreakGlass>();
        return services;
    }
}
