using Microsoft.Extensions.DependencyInjection;

namespace Rapport.InRoom;

public static class InRoomServiceCollectionExtensions
{
    /// <summary>The features of check-ins in the room.</summary>
    public static IServiceCollection AddInRoom(this IServiceCollection services)
    {
        services.AddScoped<StartInRoomCheckIn>();
        services.AddScoped<RedeemInRoomPass>();
        return services;
    }
}
