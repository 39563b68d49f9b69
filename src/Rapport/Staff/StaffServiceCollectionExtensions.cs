using Microsoft.Extensions.DependencyInjection;

namespace Rapport.Staff;

public static class StaffServiceCollectionExtensions
{
    /// <summary>The practice admin's changes to a staff member's access (deactivation and reactivation).</summary>
    public static IServiceCollection AddStaff(this IServiceCollection services)
    {
        services.AddScoped<ChangeStaffAccess>();
        return services;
    }
}
