using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Rapport.Access;
using Rapport.Accounts;
using Rapport.Demo;
using Rapport.Persistence;

namespace Rapport.Web.Startup;

/// <summary>
/// On start, before the server takes requests: apply migrations, seed the demo practices into an empty
/// database (Development only), then say where to go and how to sign in.
/// A hosted service rather than code in Program, so the test host runs exactly the same start-up.
/// </summary>
internal sealed class FirstRun(
    IServiceProvider services,
    IConfiguration configuration,
    IWebHostEnvironment environment,
    IHostApplicationLifetime lifetime,
    IServer server,
    ILogger<FirstRun> logger) : IHostedService
{
    // Never outside Development, whatever the configuration says: the demo accounts share a published password
    // (ProductionSafetyCheck also refuses Demo:Seed there, so the mistake is reported, not silently ignored).
    private bool SeedDemo => environment.IsDevelopment() && configuration.GetValue("Demo:Seed", true);
    private string DemoPassword => configuration["Demo:Password"] ?? DemoData.DefaultPassword;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = services.CreateViewerScope(Viewer.System);
        var options = scope.ServiceProvider.GetRequiredService<DatabaseOptions>();
        var db = scope.ServiceProvider.GetRequiredService<RapportDb>();
        await RapportDatabase.MigrateAsync(db, options, cancellationToken);
        var seeded = false;
        if (SeedDemo)
        {
            var demo = scope.ServiceProvider.GetRequiredService<DemoData>();
            seeded = await demo.SeedIfEmptyAsync(DemoPassword, cancellationToken);
            // Also into a demo database made before the transcripts existed; the analysis worker codes them once started.
            await scope.ServiceProvider.GetRequiredService<DemoTranscripts>().SeedIfMissingAsync(cancellationToken);
        }

        var where = options.Provider == DatabaseProvider.Sqlite ? Path.GetFullPath(options.Path) : "PostgreSQL";
        logger.LogInformation("Database ready ({Provider}: {Where}){Seeded}", options.Provider, where, seeded ? ", demo data created" : "");
        lifetime.ApplicationStarted.Register(PrintWelcome);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void PrintWelcome()
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        Console.WriteLine();
        Console.WriteLine($"Rapport is running at {string.Join(", ", addresses)}");
        if (SeedDemo)
        {
            Console.WriteLine($"Demo sign-ins (password: {DemoPassword}):");
            foreach (var (email, who) in DemoData.SignIns)
            {
                Console.WriteLine($"  {email,-30} {who}");
            }
        }

        if (environment.IsDevelopment())
        {
            Console.WriteLine($"Emails are not sent in Development; a practice admin reads their practice's at {addresses.FirstOrDefault()}/dev/outbox");
        }

        Console.WriteLine("Press Ctrl+C to stop.");
    }
}
