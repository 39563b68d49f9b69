using Rapport.Audit;

namespace Rapport.Web.Startup;

/// <summary>Tells the audit trail where each request comes from (HIPAA 164.312(b): who, what, when and from where).</summary>
internal static class RequestAudit
{
    public static IApplicationBuilder UseRequestAudit(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var audit = context.RequestServices.GetRequiredService<AuditContext>();
        audit.IpAddress = context.Connection.RemoteIpAddress?.ToString();
        audit.UserAgent = context.Request.Headers.UserAgent.ToString();
        return next(context);
    });
}
