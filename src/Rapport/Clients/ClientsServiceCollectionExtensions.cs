using Microsoft.Extensions.DependencyInjection;

namespace Rapport.Clients;

public static class ClientsServiceCollectionExtensions
{
    /// <summary>The features of the client's record.</summary>
    public static IServiceCollection AddClients(this IServiceCollection services)
    {
        services.AddScoped<GetClientRecord>();
        return services;
    }
}
