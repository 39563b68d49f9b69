using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Rapport.Access;
using Rapport.Audit;
using Rapport.Persistence;

namespace Rapport.Durability.Tests;

/// <summary>Runs only as root: the test's own PostgreSQL server runs as the postgres user.</summary>
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (!Shell.IsRoot)
        {
            Skip = "starts its own PostgreSQL server as the postgres user: run as root (./test.sh does)";
        }
    }
}

/// <summary>
/// Issue 13 item 5, end to end: while the database is down the real app answers a client's check-in with a 503 and
/// Retry-After (a page for the form, a problem document for the JSON API), not a 500; the same answer sent again once the database
/// is back is stored exactly once.
/// </summary>
public sealed class DatabaseDownTests
{
    [RootFact]
    public async Task DatabaseDown_AnswerIs503WithRetryAfter_AndTheSameAnswerResentLaterIsStoredOnce()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"rapport-down-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        var postgres = await DurablePostgres.StartAsync(folder);
        try
        {
            var database = new DatabaseOptions { Provider = DatabaseProvider.Postgres, ConnectionString = postgres.ConnectionString, KeyRingPath = Path.Combine(folder, "keys", "field-keys.json") };
            await using var app = new AppProcess(folder, AppProcess.SettingsFor(folder, database));
            await app.StartAsync();
            using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = app.Address };
            using (var signIn = await http.PostAsJsonAsync("api/identity/login?useCookies=true", new { email = "client3@harbour.example", password = CheckInClient.RapportPassword }))
            {
                signIn.EnsureSuccessStatusCode();
            }

            var page = await http.GetStringAsync(new Uri("check-in", UriKind.Relative));
            var linkId = CheckInClient.Hidden(page, "Form.LinkId")!;
            var instrument = CheckInClient.Hidden(page, "Form.InstrumentId")!;
            var episode = Guid.Parse(CheckInClient.Hidden(page, "Form.EpisodeId")!);
            var answer = new Dictionary<string, string>
            {
                ["_handler"] = "check-in-answer",
                ["__RequestVerificationToken"] = CheckInClient.Hidden(page, "__RequestVerificationToken")!,
                ["Form.EpisodeId"] = episode.ToString(),
                ["Form.InstrumentId"] = instrument,
                ["Form.LinkId"] = linkId,
                ["Form.Value"] = "2",
            };

            await postgres.StopAsync();
            using (var refused = await http.PostAsync(new Uri("check-in", UriKind.Relative), new FormUrlEncodedContent(answer)))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
                Assert.NotNull(refused.Headers.RetryAfter?.Delta);
                Assert.Contains("try again", await refused.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
            }

            // The same answer through the JSON API a phone app uses.
            using (var api = await http.PostAsJsonAsync(new Uri("api/my/check-in/answers", UriKind.Relative), new { episodeId = episode, instrumentId = instrument, linkId, value = 2 }))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, api.StatusCode);
                Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);
            }

            await postgres.StartAgainAsync();
            // Sent again, as the page says: once the pool finds the server again, the answer is stored, once.
            HttpStatusCode status;
            var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            do
            {
                using var again = await http.PostAsync(new Uri("check-in", UriKind.Relative), new FormUrlEncodedContent(answer));
                status = again.StatusCode;
                Assert.True(status is HttpStatusCode.Redirect or HttpStatusCode.ServiceUnavailable, $"{status}: {await again.Content.ReadAsStringAsync()}");
                if (status == HttpStatusCode.ServiceUnavailable)
                {
                    await Task.Delay(300);
                }
            }
            while (status != HttpStatusCode.Redirect && DateTime.UtcNow < until);

            Assert.Equal(HttpStatusCode.Redirect, status);
            using (var twice = await http.PostAsync(new Uri("check-in", UriKind.Relative), new FormUrlEncodedContent(answer)))
            {
                Assert.Equal(HttpStatusCode.Redirect, twice.StatusCode);
            }

            var next = await http.GetStringAsync(new Uri("check-in", UriKind.Relative));
            Assert.NotEqual(linkId, CheckInClient.Hidden(next, "Form.LinkId"));
            await using var db = new RapportDb(RapportDatabase.StandaloneOptions(database), new FixedViewerSource(Viewer.System), new AuditContext(), TimeProvider.System);
            var drafts = await db.CheckInDrafts.IgnoreQueryFilters().Where(d => d.EpisodeId == episode && d.InstrumentId == instrument).ToListAsync();
            var draft = Assert.Single(drafts);
            Assert.Contains($"\"{linkId}\":2", draft.AnswersJson, StringComparison.Ordinal);
        }
        finally
        {
            await postgres.DisposeAsync();
            SigKillTests.TryDelete(folder);
        }
    }
}
