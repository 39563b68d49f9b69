using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Rapport.Demo;
using Rapport.Persistence;

namespace Rapport.Web.Startup;

/// <summary>On start: apply migrations, seed the demo practices into an empty Development database, and say where to go.</summary>
internal static class FirstRun
{
    public static async Task PrepareAsync(WebApplication app)
    {
        var seeded = false;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var services = scope.ServiceProvider;
            var options = services.GetRequiredService<DatabaseOptions>();
            var db = new RapportDb(
                services.GetRequiredService<Microsoft.EntityFrameworkCore.DbContextOptions<RapportDb>>(),
                new Rapport.Access.FixedViewerSource(Rapport.Access.Viewer.System));
            await RapportDatabase.MigrateAsync(db, options);
            var seedDemo = app.Configuration.GetValue("Demo:Seed", app.Environment.IsDevelopment());
            if (seedDemo)
            {
                var demo = new DemoData(db, services.GetRequiredService<Microsoft.AspNetCore.Identity.IPasswordHasher<Rapport.Accounts.RapportUser>>(), services.GetRequiredService<TimeProvider>());
                seeded = await demo.SeedIfEmptyAsync(app.Configuration["Demo:Password"] ?? DemoData.DefaultPassword);
            }

            var where = options.Provider == DatabaseProvider.Sqlite ? Path.GetFullPath(options.Path) : "PostgreSQL";
            app.Logger.LogInformation("Database ready ({Provider}: {Where}){Seeded}", options.Provider, where, seeded ? ", demo data created" : "");
        }

        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            var demo = app.Configuration.GetValue("Demo:Seed", app.Environment.IsDevelopment());
            Console.WriteLine();
            Console.WriteLine($"Rapport is running at {string.Join(", ", addresses)}");
            if (demo)
            {
                Console.WriteLine($"Demo sign-ins (password: {app.Configuration["Demo:Password"] ?? DemoData.DefaultPassword}):");
                foreach (var (email, who) in DemoData.SignIns)
                {
                    Console.WriteLine($"  {email,-30} {who}");
                }

                if (app.Environment.IsDevelopment())
                {
                    Console.WriteLine($"Emails sent in Development are listed at {addresses.FirstOrDefault()}/dev/outbox");
                }
            }

            Console.WriteLine("Press Ctrl+C to stop.");
        });
    }
}
