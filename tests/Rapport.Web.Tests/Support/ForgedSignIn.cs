using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Rapport.Access;
using Rapport.Staff;

namespace Rapport.Web.Tests.Support;

/// <summary>
/// What someone holding the app's key ring (the formerly committed one, a leaked backup) could mint: a validly protected
/// bearer token or sign-in cookie for a user id that does not exist, claiming therapist1's practice and staff id and
/// every staff role.
/// </summary>
public static class ForgedSignIn
{
    public const string CookieName = "rapport.auth";

    public static async Task<ClaimsPrincipal> MadeUpUserAsync(RapportApp app, string impersonating = Personas.Therapist1)
    {
        ArgumentNullException.ThrowIfNull(app);
        var real = await app.ViewerForAsync(impersonating);
        var identity = new ClaimsIdentity(IdentityConstants.ApplicationScheme);
        identity.AddClaim(new Claim(ClaimTypes.NameIdentifier, Guid.NewGuid().ToString()));
        identity.AddClaim(new Claim(ClaimTypes.Name, impersonating));
        identity.AddClaim(new Claim("AspNet.Identity.SecurityStamp", Guid.NewGuid().ToString("N")));
        identity.AddClaim(new Claim(RapportClaims.Practice, real.PracticeId.ToString()!));
        identity.AddClaim(new Claim(RapportClaims.StaffMember, real.StaffMemberId.ToString()!));
        foreach (var role in new[] { StaffRoles.Therapist, StaffRoles.Supervisor, StaffRoles.PracticeAdmin })
        {
            identity.AddClaim(new Claim(ClaimTypes.Role, role.ToString()));
        }

        return new ClaimsPrincipal(identity);
    }

    public static string BearerToken(RapportApp app, ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = app.Services.GetRequiredService<IOptionsMonitor<BearerTokenOptions>>().Get(IdentityConstants.BearerScheme);
        var properties = new AuthenticationProperties { ExpiresUtc = DateTimeOffset.UtcNow.AddMinutes(10) };
        return options.BearerTokenProtector.Protect(new AuthenticationTicket(principal, properties, IdentityConstants.BearerScheme));
    }

    public static string Cookie(RapportApp app, ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = app.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(IdentityConstants.ApplicationScheme);
        var now = DateTimeOffset.UtcNow;
        var properties = new AuthenticationProperties { IssuedUtc = now, ExpiresUtc = now.AddMinutes(10) };
        return options.TicketDataFormat.Protect(new AuthenticationTicket(principal, properties, IdentityConstants.ApplicationScheme));
    }

    /// <summary>A client sending the forged bearer token on every request.</summary>
    public static async Task<HttpClient> WithTokenAsync(RapportApp app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var client = app.Anonymous();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", BearerToken(app, await MadeUpUserAsync(app)));
        return client;
    }

    /// <summary>A client sending the forged sign-in cookie on every request.</summary>
    public static async Task<HttpClient> WithCookieAsync(RapportApp app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var client = app.Anonymous();
        client.DefaultRequestHeaders.Add("Cookie", $"{CookieName}={Cookie(app, await MadeUpUserAsync(app))}");
        return client;
    }
}
