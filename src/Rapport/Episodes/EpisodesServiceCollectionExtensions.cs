using Microsoft.Extensions.DependencyInjection;

namespace Rapport.Episodes;

public static class EpisodesServiceCollectionExtensions
{
    /// <summary>The features of episodes of care.</summary>
    public static IServiceCollection AddEpisodes(this IServiceCollection services)
    {
        services.AddScoped<GetEpisodeView>();
        return services;
    }
}
