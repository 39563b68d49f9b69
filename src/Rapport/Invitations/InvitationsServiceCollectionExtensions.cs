using Microsoft.Extensions.DependencyInjection;

namespace Rapport.Invitations;

public static class InvitationsServiceCollectionExtensions
{
    /// <summary>The features of inviting staff and clients.</summary>
    public static IServiceCollection AddInvitations(this IServiceCollection services)
    {
        services.AddScoped<InviteStaff>();
        services.AddScoped<InviteClient>();
        services.AddScoped<AcceptInvitation>();
        return services;
    }
}
