using Microsoft.Extensions.DependencyInjection;

namespace Rapport.Progress;

public static class ProgressServiceCollectionExtensions
{
    /// <summary>The features of the practice's expected-response models.</summary>
    public static IServiceCollection AddProgress(this IServiceCollection services)
    {
        services.AddSingleton<ExpectedModelCache>();
        services.AddScoped<RefitExpectedModels>();
        return services;
    }
}
