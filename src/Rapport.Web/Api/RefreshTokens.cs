using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Rapport.Accounts;
using Rapport.Persistence;

namespace Rapport.Web.Api;

/// <summary>
/// A refresh token works once (rotation, OWASP ASVS 3.5.2 / RFC 9700 4.14): before Identity's refresh endpoint runs, the
/// token is claimed by inserting its hash as a row of the user's Identity tokens (primary key: user, provider, name),
/// so of two uses (a replay, or two at once) only the first gets new tokens; the second gets 401. Spent rows are
/// removed once they could no longer be used anyway. Works across instances: the claim is in the shared database.
/// </summary>
internal static class RefreshTokens
{
    public const string SpentProvider = "Rapport:SpentRefreshToken";

    public static void OneUse(EndpointBuilder endpoint)
    {
        endpoint.FilterFactories.Add((_, next) => async context =>
        {
            var request = context.Arguments.OfType<RefreshRequest>().FirstOrDefault();
            if (request is null || string.IsNullOrEmpty(request.RefreshToken))
            {
                return await next(context);
            }

            var http = context.HttpContext;
            var options = http.RequestServices.GetRequiredService<IOptionsMonitor<BearerTokenOptions>>().Get(IdentityConstants.BearerScheme);
            var ticket = options.RefreshTokenProtector.Unprotect(request.RefreshToken);
            if (ticket?.Principal.FindFirstValue(ClaimTypes.NameIdentifier) is not { } userId || ticket.Properties.ExpiresUtc is not { } expires)
            {
                return await next(context); // not a token of ours: Identity refuses it
            }

            var claimed = await ClaimAsync(http.RequestServices.GetRequiredService<RapportDb>(), http.RequestServices.GetRequiredService<TimeProvider>(), userId, request.RefreshToken, expires, http.RequestAborted);
            if (claimed == Claim.Reused)
            {
                // A spent refresh token presented again means two holders of one chain: one of them stole it. End every
                // sign-in of the person (RFC 9700 4.14.2); they sign in again, the thief cannot.
                var users = http.RequestServices.GetRequiredService<UserManager<RapportUser>>();
                if (await users.FindByIdAsync(userId) is { } user)
                {
                    await users.UpdateSecurityStampAsync(user);
                }
            }

            if (claimed != Claim.Claimed)
            {
                return TypedResults.Unauthorized();
            }

            return await next(context);
        });
    }

    private enum Claim
    {
        Claimed,
        Reused,
        Raced,
    }

    private static async Task<Claim> ClaimAsync(RapportDb db, TimeProvider clock, string userId, string token, DateTimeOffset expires, CancellationToken cancellationToken)
    {
        var name = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
        var now = clock.GetUtcNow();
        var spent = await db.UserTokens.Where(t => t.UserId == userId && t.LoginProvider == SpentProvider).ToListAsync(cancellationToken);
        if (spent.Any(t => t.Name == name))
        {
            return Claim.Reused;
        }

        db.UserTokens.RemoveRange(spent.Where(t => !DateTimeOffset.TryParse(t.Value, System.Globalization.CultureInfo.InvariantCulture, out var until) || until < now));
        db.UserTokens.Add(new IdentityUserToken<string> { UserId = userId, LoginProvider = SpentProvider, Name = name, Value = expires.ToString("O") });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return Claim.Claimed;
        }
        catch (DbUpdateException)
        {
            // The same token claimed at the same moment by another request (or the account is gone).
            return Claim.Raced;
        }
    }

    /// <summary>Signing out of the API ends every sign-in of the person (the security stamp changes), as the page's sign-out does.</summary>
    public static async Task<IResult> SignOutEverywhereAsync(ClaimsPrincipal principal, UserManager<RapportUser> users)
    {
        if (await users.GetUserAsync(principal) is not { } user)
        {
            return TypedResults.Unauthorized();
        }

        await users.UpdateSecurityStampAsync(user);
        return TypedResults.NoContent();
    }
}
