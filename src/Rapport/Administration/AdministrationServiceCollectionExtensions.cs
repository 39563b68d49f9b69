using Microsoft.Extensions.DependencyInjection;

namespace Rapport.Administration;

public static class AdministrationServiceCollectionExtensions
{
    /// <summary>The features of the practice admin's settings.</summary>
    public static IServiceCollection AddAdministration(this IServiceCollection services)
    {
        services.AddScoped<GetPracticeOverview>();
        services.AddScoped<UpdateCrisisHelp>();
        services.AddScoped<UpdateReminderHours>();
        services.AddScoped<UpdateOutcomeSharing>();
        return services;
    }
}
