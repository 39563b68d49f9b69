using Microsoft.AspNetCore.Http.Features;

namespace Rapport.Web.Startup;

/// <summary>
/// One bound on every request body, well below Kestrel's 30 MB default: the largest thing anyone sends is a
/// transcript (at most 5 MB, <c>TranscriptLimits.Default</c>), so a bigger body is refused with 413 before any
/// handler reads it and cannot tie up memory. A declared length over the bound is refused at once; a chunked body
/// is cut off by the server's own limit when one is available (Kestrel).
/// </summary>
internal static class RequestSizeLimit
{
    public const long DefaultMaxBodyBytes = 6 * 1024 * 1024;

    public static IApplicationBuilder UseRequestSizeLimit(this IApplicationBuilder app, IConfiguration configuration)
    {
        var limit = configuration.GetValue("Requests:MaxBodyBytes", DefaultMaxBodyBytes);
        return app.Use((context, next) =>
        {
            if (context.Request.ContentLength > limit)
            {
                context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                return Task.CompletedTask;
            }

            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
            {
                feature.MaxRequestBodySize = limit;
            }

            return next(context);
        });
    }
}
