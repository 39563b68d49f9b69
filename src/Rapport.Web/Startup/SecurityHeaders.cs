namespace Rapport.Web.Startup;

/// <summary>
/// Response headers that close whole classes of attack in the browser (HIPAA 164.312(e)(1) transmission
/// security; GDPR Art. 32). The pages are static server-rendered HTML with two script files and three
/// stylesheets from this origin, so the policy allows this origin only: no inline script, no inline style, no
/// framing (clickjacking), no plugins, forms post only here. HSTS is added by UseHsts outside Development.
/// </summary>
internal static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()";
            // Clinical pages must not sit in a shared or back-button cache.
            if (!context.Request.Path.StartsWithSegments("/_framework") && !headers.ContainsKey("Cache-Control"))
            {
                headers.CacheControl = "no-store";
            }

            return Task.CompletedTask;
        });
        return next(context);
    });
}
