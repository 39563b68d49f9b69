using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Rapport.Web.Startup;

/// <summary>
/// Slows password guessing and invitation-token guessing from one address (OWASP ASVS 2.2.1): sign-in,
/// second-factor, password-reset and invitation endpoints allow a few attempts a minute per client address;
/// other requests are not limited. Account lockout (5 failures, 15 minutes) still protects each account.
/// </summary>
internal static class RateLimits
{
    public const string Message = "Too many attempts from your connection. Wait a minute, then try again.";

    private static readonly string[] Guarded =
    [
        "/Account/Login", "/Account/LoginWith2fa", "/Account/LoginWithRecoveryCode", "/Account/ForgotPassword",
        "/Account/ResetPassword", "/Account/ResendEmailConfirmation", "/invitations/accept",
        "/api/identity/login", "/api/identity/refresh", "/api/identity/forgotPassword", "/api/identity/resetPassword",
        "/api/identity/resendConfirmationEmail",
    ];

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
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                if (!HttpMethods.IsPost(context.Request.Method) || !Guarded.Any(p => context.Request.Path.Equals(p, StringComparison.OrdinalIgnoreCase)))
                {
                    return RateLimitPartition.GetNoLimiter("");
                }

                var address = context.Connection.RemoteIpAddress ?? IPAddress.None;
                return RateLimitPartition.GetFixedWindowLimiter(address.ToString(), _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = perMinute,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                });
            });
        });
    }
}
