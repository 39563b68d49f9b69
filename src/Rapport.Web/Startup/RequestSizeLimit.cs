using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;

namespace Rapport.Web.Startup;

/// <summary>
/// Marks an endpoint (a page or an API handler) that takes a body larger than the ordinary bound, up to
/// <c>Requests:MaxBodyBytes</c>. Only the transcript upload needs it today.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
internal sealed class LargeRequestBodyAttribute : Attribute, IRequestSizeLimitMetadata
{
    // Null means "the configured large bound": the attribute cannot read configuration itself.
    public long? MaxRequestBodySize => null;
}

/// <summary>
/// Bounds every request body by what its endpoint needs. Forms, the JSON API and sign-in take at most
/// <see cref="DefaultEndpointBodyBytes"/>; an endpoint marked <see cref="LargeRequestBodyAttribute"/> (the transcript
/// upload: at most 5 MB, <c>TranscriptLimits.Default</c>) takes up to <c>Requests:MaxBodyBytes</c>. A bigger body is
/// refused with 413 before any handler reads it and cannot tie up memory: a declared length at once, a chunked body
/// by the server's own limit when one is available (Kestrel). Runs after routing, so the endpoint is known.
/// </summary>
internal static class RequestSizeLimit
{
    public const long DefaultMaxBodyBytes = 6 * 1024 * 1024;

    public const long DefaultEndpointBodyBytes = 256 * 1024;

    public static IApplicationBuilder UseRequestSizeLimit(this IApplicationBuilder app, IConfiguration configuration)
    {
        var large = configuration.GetValue("Requests:MaxBodyBytes", DefaultMaxBodyBytes);
        var ordinary = Math.Min(large, configuration.GetValue("Requests:MaxEndpointBodyBytes", DefaultEndpointBodyBytes));
        return app.Use((context, next) =>
        {
            var declared = context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>();
            var limit = declared is null ? ordinary : Math.Min(large, declared.MaxRequestBodySize ?? large);
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
