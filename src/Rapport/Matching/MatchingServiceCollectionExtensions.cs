using Microsoft.Extensions.DependencyInjection;

namespace Rapport.Matching;

public static class MatchingServiceCollectionExtensions
{
    /// <summary>Therapist profiles (written, approved, public), the public matching intake and its referrals.</summary>
    public static IServiceCollection AddMatching(this IServiceCollection services)
    {
        services.AddScoped<EditMyProfile>();
        services.AddScoped<ApproveProfiles>();
        services.AddScoped<GetPublicProfile>();
        services.AddScoped<FindTherapists>();
        services.AddScoped<AskToBeContacted>();
        services.AddScoped<GetReferrals>();
        services.AddScoped<DeleteReferral>();
        return services;
    }
}
