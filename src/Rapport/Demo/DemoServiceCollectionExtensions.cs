using Microsoft.Extensions.DependencyInjection;

namespace Rapport.Demo;

public static class DemoServiceCollectionExtensions
{
    /// <summary>The features of the demo practices.</summary>
    public static IServiceCollection AddDemo(this IServiceCollection services)
    {
        services.AddScoped<DemoData>();
        services.AddScoped<DemoTranscripts>();
        return services;
    }
}
