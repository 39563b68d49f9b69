using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Rapport.Access;
using Rapport.Persistence;
using Rapport.Privacy;

namespace Rapport.Web.Startup;

/// <summary>
/// <c>/health/live</c>: the process answers (no check runs, so a slow database never gets a live process restarted).
/// <c>/health/ready</c>: send it traffic: the database answers with every migration applied, both key rings load and
/// work, and the instance is not shutting down. Both are anonymous and answer only the status word (Healthy or
/// Unhealthy, 200 or 503), never which check failed or why: that goes to the log.
/// <para>
/// Graceful shutdown: on SIGTERM readiness turns Unhealthy at once, then the instance keeps serving for
/// <c>Shutdown:DrainSeconds</c> (default 5, 0 in Development) so a load balancer's probe sees it and stops sending new
/// requests; then Kestrel stops accepting and waits for in-flight requests, the whole stop bounded by
/// <c>Shutdown:TimeoutSeconds</c> (default 30, HostOptions.ShutdownTimeout).
/// </para>
/// </summary>
internal static class Health
{
    public const string Ready = "ready";

    public static IServiceCollection AddRapportHealth(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var drain = TimeSpan.FromSeconds(configuration.GetValue("Shutdown:DrainSeconds", environment.IsDevelopment() ? 0.0 : 5.0));
        var timeout = TimeSpan.FromSeconds(configuration.GetValue("Shutdown:TimeoutSeconds", 30.0));
        services.Configure<HostOptions>(o => o.ShutdownTimeout = timeout > drain ? timeout : drain + TimeSpan.FromSeconds(5));
        services.AddSingleton(new ShutdownDrain(drain));
        services.AddHostedService(sp => sp.GetRequiredService<ShutdownDrain>());
        services.AddHealthChecks()
            .AddCheck<NotStoppingCheck>("accepting", tags: [Ready])
            .AddCheck<DatabaseReadyCheck>("database", tags: [Ready])
            .AddCheck<KeyRingsCheck>("key-rings", tags: [Ready]);
        return services;
    }

    public static void MapRapportHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(Ready) }).AllowAnonymous();
    }
}

/// <summary>Holds the stop for the drain time, after readiness turned Unhealthy and before the server stops taking requests.</summary>
internal sealed class ShutdownDrain(TimeSpan drain) : IHostedLifecycleService
{
    private volatile bool _stopping;

    /// <summary>True from the start of the host's stop (which may come before ApplicationStopping fires).</summary>
    public bool Stopping => _stopping;

    public Task StoppingAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        return drain > TimeSpan.Zero ? Task.Delay(drain, cancellationToken) : Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

internal sealed class NotStoppingCheck(IHostApplicationLifetime lifetime, ShutdownDrain drain) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(drain.Stopping || lifetime.ApplicationStopping.IsCancellationRequested ? HealthCheckResult.Unhealthy("shutting down") : HealthCheckResult.Healthy());
}

/// <summary>The database answers and has every migration this build knows (once seen applied, only the connection is checked).</summary>
internal sealed class DatabaseReadyCheck(IServiceProvider services) : IHealthCheck
{
    private volatile bool _migrated;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateViewerScope(Viewer.System);
        var db = scope.ServiceProvider.GetRequiredService<RapportDb>();
        if (!await db.Database.CanConnectAsync(cancellationToken))
        {
            return HealthCheckResult.Unhealthy("database unreachable");
        }

        if (!_migrated)
        {
            if ((await db.Database.GetPendingMigrationsAsync(cancellationToken)).Any())
            {
                return HealthCheckResult.Unhealthy("migrations pending");
            }

            _migrated = true;
        }

        return HealthCheckResult.Healthy();
    }
}

/// <summary>The field-encryption key ring has an active key, and the sign-in (Data Protection) key ring protects and unprotects.</summary>
internal sealed class KeyRingsCheck(DatabaseOptions options, IDataProtectionProvider dataProtection) : IHealthCheck
{
    private static readonly byte[] Probe = [82, 97, 112, 112, 111, 114, 116];

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var ring = FieldKeyRing.For(options.ResolvedKeyRingPath());
        if (ring.Key(ring.ActiveKeyId).Length == 0)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("field key ring has no active key"));
        }

        var protector = dataProtection.CreateProtector("Rapport.Health.Ready");
        return Task.FromResult(protector.Unprotect(protector.Protect(Probe)).AsSpan().SequenceEqual(Probe)
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("sign-in key ring does not round-trip"));
    }
}
