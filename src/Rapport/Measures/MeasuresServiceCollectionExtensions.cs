using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Persistence;

namespace Rapport.Measures;

public static class MeasuresServiceCollectionExtensions
{
    /// <summary>The features of the instruments and each episode's measurement plan.</summary>
    public static IServiceCollection AddMeasures(this IServiceCollection services)
    {
        services.TryAddSingleton(sp => new InstrumentSource(InstrumentSource.FolderFor(
            RapportDatabase.ReadOptions(sp.GetRequiredService<IConfiguration>()))));
        services.AddScoped<EditMeasurementPlan>();
        return services;
    }
}
