using Rapport.Accounts;

namespace Rapport.Web.Startup;

/// <summary>
/// Practice.RequireStaffSecondFactor (HIPAA 164.312(d) person authentication; the 2025 NPRM would make MFA
/// mandatory): a signed-in staff member without an authenticator app is sent to set one up, and can reach
/// nothing else until they have. API callers get 403 with the reason.
/// </summary>
internal static class StaffSecondFactor
{
    public const string EnablePath = "/Account/Manage/EnableAuthenticator";
    public const string ApiMessage = "Your practice requires a second factor for staff. Set up an authenticator app in your account, then sign in again.";

    public static IApplicationBuilder UseStaffSecondFactor(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var viewer = Rapport.Access.Viewer.FromPrincipal(context.User);
        if (viewer.StaffMemberId is null || viewer.UserId is null || Exempt(context.Request.Path))
        {
            await next(context);
            return;
        }

        var blocked = await context.RequestServices.GetRequiredService<SignInPolicy>().SecondFactorMissingAsync(viewer.UserId, context.RequestAborted);
        if (!blocked)
        {
            await next(context);
            return;
        }

        if (context.Request.Path.StartsWithSegments("/api") || context.Request.Path.StartsWithSegments("/fhir"))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await context.Response.WriteAsync(ApiMessage, context.RequestAborted);
            return;
        }

        context.Response.Redirect(EnablePath);
    });

    // Setting up the authenticator, signing out, and the files those pages need.
    private static bool Exempt(PathString path) =>
        path.StartsWithSegments("/Account") || path.StartsWithSegments("/api/identity") || path.StartsWithSegments("/_framework")
        || path.StartsWithSegments("/lib") || path.StartsWithSegments("/status") || path.StartsWithSegments("/health")
        || path.StartsWithSegments("/Error") || Path.HasExtension(path.Value);
}
