using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Rapport.Accounts;
using Rapport.Audit;
using Rapport.Demo;
using Rapport.LoadTest;
using Rapport.LoadTest.CheckIns;
using Rapport.Web.Tests.Support;

namespace Rapport.Web.Tests.Load;

/// <summary>
/// The load driver at a small size, in the ordinary test run: synthetic clients (seeded by the product's own
/// LargePractice) check in one question at a time beside therapists and a FHIR reader, with no error, and every
/// answer the server acknowledged is in the database exactly as sent; the audit chain still verifies.
/// </summary>
public sealed class LoadDriverTests : IDisposable
{
    private readonly RapportApp _app = new();

    [Fact]
    public async Task SmallLoad_HasNoErrors_AndEveryAcknowledgedAnswerIsStoredAsSent()
    {
        var seeded = await new LargePractice(() => _app.SystemDb(), new PasswordHasher<RapportUser>(), TimeProvider.System)
            .SeedAsync(4, 2, RapportApp.Password, clientSignIns: true);
        using var http = _app.Anonymous();
        using var log = new AcknowledgedLog();
        var latencies = new Latencies();
        var plan = new LoadPlan(seeded.Slug, RapportApp.Password, Clients: 2, Therapists: 1, FhirReaders: 1, Accounts: 4, FirstAccount: 1,
            MaxRequests: 5000, Duration: TimeSpan.FromSeconds(20));

        var run = new LoadRun(http, plan, log, latencies);
        await run.RunAsync(CancellationToken.None);

        Assert.Empty(latencies.ErrorSamples);
        Assert.True(latencies.Count("dashboard") > 0 && latencies.Count("fhir search") > 0);
        Assert.Equal(4 * (9 + 7), log.Count);
        await using var db = _app.SystemDb();
        foreach (var expected in AcknowledgedLog.Expected(log.Answers))
        {
            var clientId = await db.Users.Where(u => u.Email == expected.Email).Select(u => u.ClientId).SingleAsync();
            Assert.True(expected.Submitted);
            var stored = await db.MeasureResponses.Where(r => r.ClientId == clientId && r.EpisodeId == expected.EpisodeId && r.InstrumentId == expected.InstrumentId)
                .OrderByDescending(r => r.SubmittedAt).Select(r => r.AnswersJson).FirstAsync();
            var answers = JsonSerializer.Deserialize<Dictionary<string, int?>>(stored)!;
            Assert.Equal(expected.Answers.OrderBy(a => a.Key), answers.Select(a => KeyValuePair.Create(a.Key, a.Value!.Value)).OrderBy(a => a.Key));
        }

        Assert.Equal(8, AcknowledgedLog.Expected(log.Answers).Count);
        Assert.Equal(4, run.CheckInsDone);
        var verified = await new VerifyAuditTrail(db).HandleAsync();
        Assert.True(verified.Intact, string.Join("; ", verified.Breaks.Select(b => b.Problem)));
    }

    public void Dispose() => _app.Dispose();
}
