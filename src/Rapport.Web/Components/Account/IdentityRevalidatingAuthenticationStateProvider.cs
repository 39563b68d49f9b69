using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;

namespace Rapport.Web.Components.Account;

// An interactive circuit re-checks its sign-in every minute with the same rule as every request (CurrentSignIn):
// a password change, sign-out elsewhere, lockout or deactivation ends the circuit's access within a minute.
internal sealed class IdentityRevalidatingAuthenticationStateProvider(
        ILoggerFactory loggerFactory,
        IServiceScopeFactory scopeFactory)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromMinutes(1);

    protected override async Task<bool> ValidateAuthenticationStateAsync(
        AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        // A new scope, so the check reads fresh data.
        await using var scope = scopeFactory.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<Rapport.Web.Access.CurrentSignIn>().IsValidAsync(authenticationState.User, cancellationToken);
    }
}
