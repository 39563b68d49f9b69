using System.Net;
using System.Text.Json;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Rapport.Web.Startup;

/// <summary>
/// Slows password guessing, spraying and token guessing (OWASP ASVS 2.2.1). The limit is attached to the endpoints
/// themselves (<see cref="SignIn"/> as endpoint metadata: sign-in, second factor, recovery code, password reset,
/// confirmation and invitation forms and their API twins), so a path spelled another way (a trailing slash, a doubled
/// slash, another case) that reaches the endpoint is limited too. Two budgets, each a few POSTs a minute: one per client
/// address (the proxy's forwarded address only when the request comes from a configured proxy, see
/// <see cref="ReverseProxy"/>) and one per account (the submitted email, normalised), so neither rotating addresses
/// nor rotating accounts escapes. Account lockout (5 failures, 15 minutes) still protects each account.
/// </summary>
internal static class RateLimits
{
    public const string SignIn = "sign-in";

    /// <summary>
    /// The forms anyone may fill in (the matching intake, a testimonial): POSTs per client address, so a script cannot
    /// flood the practice with referrals or drafts.
    /// </summary>
    public const string PublicForm = "public-form";

    /// <summary>
    /// The pages anyone may read without a sign-in (a practice's public stories and their JSON feed): every request per
    /// client address, generous for people and feed readers, so one script cannot keep the server busy rendering them.
    /// </summary>
    public const string PublicRead = "public-read";
    public const string Message = "Too many attempts from your connection. Wait a minute, then try again.";

    private const string AccountKey = "rapport:sign-in-account";

    // Sign-in bodies are small; an email is looked for in at most this much of one.
    private const int MaxBodyRead = 64 * 1024;

    public static IServiceCollection AddRapportRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var perMinute = configuration.GetValue("RateLimits:SignInPerMinute", 10);
        return services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = async (context, ct) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = "60";
                context.HttpContext.Response.ContentType = "text/plain; charset=utf-8";
                await context.HttpContext.Response.WriteAsync(Message, ct);
            };

            // Per client address: the endpoint's own policy.
            options.AddPolicy(SignIn, context => HttpMethods.IsPost(context.Request.Method)
                ? Window("address:" + (context.Connection.RemoteIpAddress ?? IPAddress.None), perMinute)
                : RateLimitPartition.GetNoLimiter(""));

            var formsPerMinute = configuration.GetValue("RateLimits:PublicFormPerMinute", 10);
            options.AddPolicy(PublicForm, context => HttpMethods.IsPost(context.Request.Method)
                ? Window("form:" + (context.Connection.RemoteIpAddress ?? IPAddress.None), formsPerMinute)
                : RateLimitPartition.GetNoLimiter(""));

            var readsPerMinute = configuration.GetValue("RateLimits:PublicReadPerMinute", 120);
            options.AddPolicy(PublicRead, context => Window("read:" + (context.Connection.RemoteIpAddress ?? IPAddress.None), readsPerMinute));

            // Per account: the same endpoints, keyed by the email the request submitted (read by UseRapportRateLimits).
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                context.Items.TryGetValue(AccountKey, out var account) && account is string key
                    ? Window("account:" + key, perMinute)
                    : RateLimitPartition.GetNoLimiter(""));
        });
    }

    /// <summary>Reads the submitted account of a sign-in POST, then applies both budgets.</summary>
    public static IApplicationBuilder UseRapportRateLimits(this IApplicationBuilder app)
    {
        app.Use(async (context, next) =>
        {
            if (HttpMethods.IsPost(context.Request.Method) && IsSignIn(context.GetEndpoint())
                && await SubmittedEmailAsync(context) is { Length: > 0 } email)
            {
                context.Items[AccountKey] = email.Trim().ToUpperInvariant();
            }

            await next(context);
        });
        return app.UseRateLimiter();
    }

    private static bool IsSignIn(Endpoint? endpoint) =>
        endpoint?.Metadata.GetMetadata<EnableRateLimitingAttribute>() is { PolicyName: SignIn };

    private static RateLimitPartition<string> Window(string key, int perMinute) =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = perMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        });

    // The form field ("Input.Email", "Form.Email") or the JSON property ("email") the endpoint will read; the body stays
    // readable for it (forms are cached by ASP.NET Core, JSON is buffered and rewound).
    // A body naming two addresses (a decoy the limiter would read, and the one the endpoint binds) shares one small
    // budget with every other such body: no real client sends two, so rotating decoys never escapes the per-account limit.
    private const string Ambiguous = "\u0000two addresses in one body";

    private static async Task<string?> SubmittedEmailAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.ContentLength > MaxBodyRead)
        {
            return null;
        }

        try
        {
            if (request.HasFormContentType)
            {
                var form = await request.ReadFormAsync(context.RequestAborted);
                var fields = form.Where(f => f.Key.Equals("email", StringComparison.OrdinalIgnoreCase)
                    || f.Key.EndsWith(".Email", StringComparison.OrdinalIgnoreCase)).SelectMany(f => f.Value).ToList();
                return fields.Count > 1 ? Ambiguous : fields.FirstOrDefault();
            }

            if (request.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true)
            {
                request.EnableBuffering(MaxBodyRead);
                try
                {
                    using var document = await JsonDocument.ParseAsync(request.Body, default, context.RequestAborted);
                    if (document.RootElement.ValueKind == JsonValueKind.Object)
                    {
                        var emails = document.RootElement.EnumerateObject()
                            .Where(p => p.Name.Equals("email", StringComparison.OrdinalIgnoreCase)).ToList();
                        return emails.Count > 1 ? Ambiguous
                            : emails is [{ Value.ValueKind: JsonValueKind.String } only] ? only.Value.GetString() : null;
                    }
                }
                finally
                {
                    request.Body.Position = 0;
                }
            }
        }
        catch (Exception e) when (e is JsonException or InvalidDataException or IOException or BadHttpRequestException)
        {
            // A malformed body: the endpoint answers it (4xx); the per-address budget still applies.
        }

        return null;
    }
}
