using Microsoft.Extensions.DependencyInjection;

namespace Rapport.Reminders;

public static class RemindersServiceCollectionExtensions
{
    /// <summary>The features of check-in reminders.</summary>
    public static IServiceCollection AddReminders(this IServiceCollection services)
    {
        services.AddScoped<ChangeReminders>();
        services.AddScoped<SendCheckInReminders>();
        return services;
    }
}
