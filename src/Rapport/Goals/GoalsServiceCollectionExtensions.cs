using Microsoft.Extensions.DependencyInjection;

namespace Rapport.Goals;

public static class GoalsServiceCollectionExtensions
{
    /// <summary>The features of a client's goals.</summary>
    public static IServiceCollection AddGoals(this IServiceCollection services)
    {
        services.AddScoped<SetGoal>();
        services.AddScoped<EditGoal>();
        services.AddScoped<GetClientGoals>();
        return services;
    }
}
