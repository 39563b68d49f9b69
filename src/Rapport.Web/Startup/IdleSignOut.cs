using Microsoft.AspNetCore.Authentication.Cookies;
using Rapport.Access;
using Rapport.Accounts;
using Rapport.Web.Access;

namespace Rapport.Web.Startup;

/// <summary>
/// Automatic logoff (HIPAA 45 CFR 164.312(a)(2)(iii)): the sign-in cookie expires after the practice's idle
/// time (default 15 minutes for staff, 30 for clients) and slides while the person is active.
/// </summary>
internal static class IdleSignOut
{
    /// <summary>
    /// Bearer tokens follow the same rule: an access token lasts the staff idle window (15 minutes, the shortest default),
    /// and so does its refresh token, so an API client left idle longer must sign in again. A refresh token works once
    /// (<see cref="Rapport.Web.Api.RefreshTokens"/>), and every token ends with the security stamp (sign-out, password
    /// change, deactivation) because <see cref="Access.CurrentSignIn"/> checks it on each request.
    /// </summary>
    public static readonly TimeSpan TokenLifetime = TimeSpan.FromMinutes(15);

    public static void ConfigureTokens(Microsoft.AspNetCore.Authentication.BearerToken.BearerTokenOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.BearerTokenExpiration = TokenLifetime;
        options.RefreshTokenExpiration = TokenLifetime;
    }

    public static void Configure(CookieAuthenticationOptions options)
    {
        options.LoginPath = "/Account/Login";
        options.AccessDeniedPath = "/Account/AccessDenied";
        options.ExpireTimeSpan = TimeSpan.FromMinutes(15);
        options.SlidingExpiration = true;
        options.Cookie.HttpOnly = true;
        options.Cookie.SameSite = SameSiteMode.Strict;
        // Development serves plain http on loopback; everywhere else the cookie is never sent without TLS.
        options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        options.Cookie.Name = "rapport.auth";
        options.Events.OnSigningIn = async context =>
        {
            var viewer = Viewer.FromPrincipal(context.Principal);
            if (viewer.PracticeId is not { } practiceId)
            {
                return;
            }

            var policy = context.HttpContext.RequestServices.GetRequiredService<SignInPolicy>();
            var minutes = await policy.IdleMinutesAsync(practiceId, viewer.IsStaff, context.HttpContext.RequestAborted);
            var now = context.Properties.IssuedUtc ?? DateTimeOffset.UtcNow;
            context.Properties.IssuedUtc = now;
            context.Properties.ExpiresUtc = now.AddMinutes(minutes);
            if (context.Principal.IsHandedOver())
            {
                // A handed-over device: a short, fixed lifetime (no sliding), shorter than the security-stamp check that
                // would rebuild the principal without the hand-over claim.
                context.Properties.ExpiresUtc = now + HandOver.Lifetime;
                context.Properties.AllowRefresh = false;
            }
        };
        // An API caller gets a status code, not a redirect to an HTML page.
        options.Events.OnRedirectToLogin = context => Respond(context, StatusCodes.Status401Unauthorized);
        // A signed-in person on a page that is not for them gets a real 403 with a plain explanation
        // (rendered by /status/403), not a redirect that hides the status.
        options.Events.OnRedirectToAccessDenied = context =>
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return Task.CompletedTask;
        };
    }

    private static Task Respond(Microsoft.AspNetCore.Authentication.RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (context.Request.Path.StartsWithSegments("/api") || context.Request.Path.StartsWithSegments("/fhir"))
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }

        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }
}
