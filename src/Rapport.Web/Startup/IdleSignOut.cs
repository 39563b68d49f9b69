using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;
using Rapport.Access;
using Rapport.Persistence;
using Rapport.Web.Access;

namespace Rapport.Web.Startup;

/// <summary>
/// Automatic logoff (HIPAA 45 CFR 164.312(a)(2)(iii)): the sign-in cookie expires after the practice's idle
/// time (default 15 minutes for staff, 30 for clients) and slides while the person is active.
/// </summary>
internal static class IdleSignOut
{
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

            var db = context.HttpContext.RequestServices.GetRequiredService<RapportDb>();
            var minutes = await db.Practices.IgnoreQueryFilters()
                .Where(p => p.Id == practiceId)
                .Select(p => viewer.IsStaff ? p.StaffIdleMinutes : p.ClientIdleMinutes)
                .FirstOrDefaultAsync();
            var now = context.Properties.IssuedUtc ?? DateTimeOffset.UtcNow;
            context.Properties.IssuedUtc = now;
            context.Properties.ExpiresUtc = now.AddMinutes(minutes > 0 ? minutes : 15);
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
