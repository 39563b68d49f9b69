using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Rapport.Web.Tests.Startup;

/// <summary>
/// Issue 13 item 3: a load balancer tells a live process from one that can take traffic, and a stopping instance
/// finishes what it started. Each test has its own app on a real loopback port (Kestrel), because shutdown is the server's.
/// </summary>
public sealed class HealthAndShutdownTests
{
    [Fact]
    public async Task Ready_IsUnhealthyWithoutDetail_WhenTheDatabaseLacksItsMigrations_WhileLiveStaysHealthy()
    {
        var app = new HealthApp(drainSeconds: 0);
        try
        {
            using var http = new HttpClient { BaseAddress = app.ServerAddress };
            // The database file disappears under the running app (as if pointed at a new, empty database).
            SqliteConnection.ClearAllPools();
            File.Delete(app.DatabasePath);

            using var ready = await http.GetAsync(new Uri("/health/ready", UriKind.Relative));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.Equal("Unhealthy", await ready.Content.ReadAsStringAsync());
            Assert.Equal("Healthy", await http.GetStringAsync(new Uri("/health/live", UriKind.Relative)));
        }
        finally
        {
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task Stopping_TurnsReadinessUnhealthy_KeepsServingForTheDrain_AndFinishesTheRequestInFlight()
    {
        var app = new HealthApp(drainSeconds: 2);
        using var http = new HttpClient { BaseAddress = app.ServerAddress, Timeout = TimeSpan.FromSeconds(30) };
        Assert.Equal("Healthy", await http.GetStringAsync(new Uri("/health/ready", UriKind.Relative)));

        var inFlight = http.GetStringAsync(new Uri(HealthApp.SlowPath, UriKind.Relative));
        await app.SlowEntered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var stop = Task.Run(() => app.DisposeAsync().AsTask());

        // During the drain the instance still answers, and says it is not ready.
        HttpStatusCode status;
        var started = DateTime.UtcNow;
        do
        {
            using var ready = await http.GetAsync(new Uri("/health/ready", UriKind.Relative));
            status = ready.StatusCode;
            if (status == HttpStatusCode.ServiceUnavailable)
            {
                Assert.Equal("Unhealthy", await ready.Content.ReadAsStringAsync());
            }
        }
        while (status == HttpStatusCode.OK && DateTime.UtcNow - started < TimeSpan.FromSeconds(1.5));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.False(stop.IsCompleted, "the stop waits for the drain and for the request in flight");

        // The request that was running when the stop began completes with its answer.
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Assert.False(stop.IsCompleted, "still waiting for the request in flight after the drain");
        app.ReleaseSlow.SetResult();
        Assert.Equal("finished", await inFlight);
        await stop.WaitAsync(TimeSpan.FromSeconds(20));
    }

    /// <summary>The app as `dotnet run` starts it, on a loopback port, with one extra test-only route that waits until released.</summary>
    private sealed class HealthApp : WebApplicationFactory<Program>
    {
        public const string SlowPath = "/__test/slow";
        private readonly string _folder = Path.Combine(Path.GetTempPath(), $"rapport-health-{Guid.NewGuid():N}");
        private readonly double _drainSeconds;

        public HealthApp(double drainSeconds)
        {
            _drainSeconds = drainSeconds;
            Directory.CreateDirectory(_folder);
            Task.Run(() => TestDatabase.CopySeededSqliteAsync(DatabasePath, Path.Combine(_folder, "keys", "field-keys.json"))).GetAwaiter().GetResult();
            UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        }

        public string DatabasePath => Path.Combine(_folder, "rapport.db");

        public TaskCompletionSource SlowEntered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource ReleaseSlow { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Uri ServerAddress
        {
            get
            {
                StartServer();
                return new Uri(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
            }
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Development");
            builder.UseSetting("Database:Provider", "Sqlite");
            builder.UseSetting("Database:Path", DatabasePath);
            builder.UseSetting("Email:OutboxPath", Path.Combine(_folder, "outbox"));
            builder.UseSetting("DataProtection:CertificatePath", Path.Combine(_folder, "keys", "dataprotection.pfx"));
            builder.UseSetting("Database:KeyRingPath", Path.Combine(_folder, "keys", "field-keys.json"));
            builder.UseSetting("Shutdown:DrainSeconds", _drainSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.ConfigureTestServices(services => services.AddSingleton<IStartupFilter>(new SlowRoute(this)));
        }

        public override async ValueTask DisposeAsync()
        {
            await base.DisposeAsync();
            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(_folder, recursive: true);
            }
            catch (IOException)
            {
                // A file a pool held a moment ago; the temporary folder is cleaned by the OS.
            }
        }

        private sealed class SlowRoute(HealthApp app) : IStartupFilter
        {
            public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => builder =>
            {
                builder.Use(async (context, nextMiddleware) =>
                {
                    if (context.Request.Path != SlowPath)
                    {
                        await nextMiddleware(context);
                        return;
                    }

                    app.SlowEntered.TrySetResult();
                    await app.ReleaseSlow.Task;
                    await context.Response.WriteAsync("finished");
                });
                next(builder);
            };
        }
    }
}
