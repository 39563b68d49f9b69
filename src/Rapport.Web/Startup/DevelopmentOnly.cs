namespace Rapport.Web.Startup;

/// <summary>
/// Outside Development, <c>/dev/…</c> (the outbox of reset and invitation links) does not exist: 404 before
/// authentication, so it is not even a sign-in page.
/// </summary>
internal static class DevelopmentOnly
{
    public static void UseDevelopmentOnlyPaths(this WebApplication app)
    {
        if (app.Environment.IsDevelopment())
        {
            return;
        }

        app.Use((context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/dev", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }

            return next(context);
        });
    }
}
