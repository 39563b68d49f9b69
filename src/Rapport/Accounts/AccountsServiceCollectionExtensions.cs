using Microsoft.Extensions.DependencyInjection;

namespace Rapport.Accounts;

public static class AccountsServiceCollectionExtensions
{
    /// <summary>The sign-in rules a practice sets (idle minutes, second factor), read at sign-in and on each request.</summary>
    public static IServiceCollection AddAccounts(this IServiceCollection services)
    {
        services.AddScoped<SignInPolicy>();
        return services;
    }
}
