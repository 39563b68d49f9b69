using Microsoft.Extensions.DependencyInjection;

namespace Rapport.MyCare;

public static class MyCareServiceCollectionExtensions
{
    /// <summary>The features of what a client sees of their own care.</summary>
    public static IServiceCollection AddMyCare(this IServiceCollection services)
    {
        services.AddScoped<GetMyCare>();
        services.AddScoped<ExportMyRecord>();
        services.AddScoped<GetWhatIShared>();
        return services;
    }
}
