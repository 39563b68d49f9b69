using System.Security.Claims;

namespace Rapport.Web.Access;

/// <summary>
/// Hand-over (tablet) mode: the therapist's device is signed in as one client for their check-in only. The therapist's
/// own sign-in ended when they handed over; coming back needs their password. While handed over, every page except
/// the check-in and "hand back" is out of reach, and the sign-in lasts at most <see cref="Lifetime"/> without sliding.
/// See docs/decisions/0011-in-room-check-in.md and docs/security.md.
/// </summary>
public static class HandOver
{
    public const string Claim = "rapport:handover";

    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(20);

    public static bool IsHandedOver(this ClaimsPrincipal? user) => user?.HasClaim(c => c.Type == Claim) == true;

    // The check-in pages, handing back, the sign-out endpoint and status pages; files (CSS, the Blazor script) have an extension.
    private static readonly string[] Allowed = ["/check-in", "/handover", "/Account/Logout", "/status", "/Error", "/not-found", "/_framework", "/_content"];

    public static IApplicationBuilder UseHandOverLock(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var path = context.Request.Path;
            if (!context.User.IsHandedOver()
                || Allowed.Any(a => path.StartsWithSegments(a, StringComparison.OrdinalIgnoreCase))
                || (Path.HasExtension(path.Value) && !path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)))
            {
                await next(context);
                return;
            }

            // Anything else (the client's other pages, the API, staff pages) goes back to the check-in.
            if (HttpMethods.IsGet(context.Request.Method) && !path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase) && !path.StartsWithSegments("/fhir", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.Redirect("/check-in");
            }
            else
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
            }
        });
}
