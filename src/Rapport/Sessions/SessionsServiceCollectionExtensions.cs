using Microsoft.Extensions.DependencyInjection;

namespace Rapport.Sessions;

public static class SessionsServiceCollectionExtensions
{
    /// <summary>The features of booking and recording sessions.</summary>
    public static IServiceCollection AddSessions(this IServiceCollection services)
    {
        services.AddScoped<RecordSession>();
        return services;
    }
}
