using Microsoft.Extensions.DependencyInjection;

namespace Rapport.Preferences;

public static class PreferencesServiceCollectionExtensions
{
    /// <summary>The features of a client's therapy preferences.</summary>
    public static IServiceCollection AddPreferences(this IServiceCollection services)
    {
        services.AddScoped<GetPreferenceProfile>();
        return services;
    }
}
