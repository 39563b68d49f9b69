using Microsoft.Extensions.DependencyInjection;

namespace Rapport.Caseload;

public static class CaseloadServiceCollectionExtensions
{
    /// <summary>The features of the therapist's dashboard.</summary>
    public static IServiceCollection AddCaseload(this IServiceCollection services)
    {
        services.AddScoped<GetCaseload>();
        return services;
    }
}
