using System.Net;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Rapport.Staff;
using Rapport.Telemetry;

namespace Rapport.Web.Startup;

/// <summary>
/// OpenTelemetry traces and metrics: ASP.NET Core, HttpClient, EF Core and Npgsql, and Rapport's own
/// (<see cref="RapportMetrics"/>). Traces and metrics are exported by OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (or
/// <c>Telemetry:OtlpEndpoint</c>) is set; the metrics are also served at <c>/metrics</c> in Prometheus format, to a
/// request from the machine itself (loopback, e.g. a local Prometheus or node agent) or a signed-in practice admin.
/// Spans and metric tags name routes, never a client, a practice or an answer: health probes are not traced, and
/// SQL statements are recorded as EF sends them (parameters, never values).
/// </summary>
internal static class TelemetrySetup
{
    public const string MetricsPolicy = "MetricsReaders";

    public static void AddRapportTelemetry(this WebApplicationBuilder builder)
    {
        var otlp = builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] ?? builder.Configuration["Telemetry:OtlpEndpoint"];
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("rapport", serviceVersion: typeof(RapportMetrics).Assembly.GetName().Version?.ToString()));
        if (!string.IsNullOrWhiteSpace(otlp))
        {
            // Traces only when there is somewhere to send them: without an exporter every request would pay for spans nobody reads.
            telemetry.WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !context.Request.Path.StartsWithSegments("/health") && !context.Request.Path.StartsWithSegments("/metrics"))
                .AddHttpClientInstrumentation()
                .AddEntityFrameworkCoreInstrumentation()
                .AddNpgsql()
                .AddOtlpExporter(o => o.Endpoint = new Uri(otlp)));
        }

        telemetry
            .WithMetrics(metrics =>
            {
                metrics.AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddMeter(RapportMetrics.MeterName, "Npgsql")
                    .AddPrometheusExporter();
                if (!string.IsNullOrWhiteSpace(otlp))
                {
                    metrics.AddOtlpExporter(o => o.Endpoint = new Uri(otlp));
                }
            });
    }

    /// <summary>The one rule for <c>/metrics</c>: the machine itself, or a practice admin.</summary>
    public static void AddMetricsPolicy(Microsoft.AspNetCore.Authorization.AuthorizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddPolicy(MetricsPolicy, policy => policy.RequireAssertion(context =>
            (context.Resource is HttpContext http && http.Connection.RemoteIpAddress is { } remote && IPAddress.IsLoopback(remote))
            || context.User.IsInRole(nameof(StaffRoles.PracticeAdmin))));
    }

    public static void MapRapportMetrics(this WebApplication app) =>
        app.MapPrometheusScrapingEndpoint("/metrics").RequireAuthorization(MetricsPolicy);
}
