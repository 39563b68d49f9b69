using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Access;
using Rapport.Fhir.Export;
using Rapport.Jobs;
using Rapport.Persistence;
using Rapport.Systems;
using Rapport.Testing;

namespace Rapport.Tests.Fhir;

/// <summary>The export's claim and its keyset read, on SQLite and PostgreSQL: the same SQL must hold on both.</summary>
public sealed class ExportJobOnBothProvidersTests
{
    private static ServiceProvider Services(TestDatabase database) => new ServiceCollection()
        .AddLogging()
        .AddSingleton<Microsoft.Extensions.Configuration.IConfiguration>(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build())
        .AddRapportFeatures()
        .AddScoped(sp => database.Open(sp.GetRequiredService<ScopeViewer>().Viewer ?? Viewer.Anonymous))
        .BuildServiceProvider();

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ConcurrentClaims_OneWins_AndAClaimedExportRunsToTheEnd(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var admin = await database.ViewerForAsync("admin@harbour.example");
        var practice = admin.PracticeId!.Value;
        var system = new ConnectedSystem { PracticeId = practice, ClientId = "sys-test", Name = "Registry", Scopes = SystemScopes.AllRead, RegisteredAt = DateTime.UtcNow };
        await using (var db = database.Open(Viewer.System))
        {
            db.ConnectedSystems.Add(system);
            db.ExportJobs.Add(new ExportJob
            {
                PracticeId = practice, ConnectedSystemId = system.Id, RequestUrl = "test", Types = "Organization Patient Observation Flag",
                Status = ExportStatus.Queued, RequestedAt = DateTime.UtcNow, ExpiresAt = DateTime.UtcNow.AddHours(1),
            });
            await db.SaveChangesAsync();
        }

        await using var services = Services(database);
        var claims = await Task.WhenAll(Enumerable.Range(0, 4).Select(async i =>
        {
            await using var scope = services.CreateViewerScope(Viewer.System);
            return await scope.ServiceProvider.GetRequiredService<ExportQueue>().ClaimNextAsync($"worker-{i}", default);
        }));
        var won = Assert.Single(claims, c => c is not null)!.Value;
        var owner = await LeaseOwnerAsync(database, won.Job.Id);

        await using (var scope = services.CreateViewerScope(Viewer.ForConnectedSystem(system.Id, system.Name, practice, [SystemScopes.AllRead], research: false)))
        {
            Assert.True(await scope.ServiceProvider.GetRequiredService<RunExport>().HandleAsync(won.Job.Id, owner!, default));
        }

        await using var check = database.Open(Viewer.System);
        var job = await check.ExportJobs.SingleAsync(j => j.Id == won.Job.Id);
        Assert.Equal(ExportStatus.Completed, job.Status);
        var patients = await check.ExportFiles.Where(f => f.JobId == job.Id && f.Type == "Patient").SumAsync(f => f.Count);
        Assert.Equal(await check.Clients.CountAsync(c => c.PracticeId == practice), patients);
        Assert.True(await check.ExportFiles.AnyAsync(f => f.JobId == job.Id && f.Type == "Observation"));
        Assert.Contains("\"resourceType\":\"Patient\"", (await check.ExportFiles.FirstAsync(f => f.JobId == job.Id && f.Type == "Patient")).Content, StringComparison.Ordinal);
        // A finished job is nobody's, and a lease is not taken twice.
        Assert.Null(job.LeaseOwner);
        Assert.True(await JobLease.TryClaimAsync(check.ExportJobs, job.Id, "a", DateTime.UtcNow, TimeSpan.FromMinutes(1), default));
        Assert.False(await JobLease.TryClaimAsync(check.ExportJobs, job.Id, "b", DateTime.UtcNow, TimeSpan.FromMinutes(1), default));
    }

    private static async Task<string?> LeaseOwnerAsync(TestDatabase database, Guid id)
    {
        await using var db = database.Open(Viewer.System);
        return await db.ExportJobs.Where(j => j.Id == id).Select(j => j.LeaseOwner).SingleAsync();
    }
}
