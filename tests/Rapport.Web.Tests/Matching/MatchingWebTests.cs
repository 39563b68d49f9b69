using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Rapport.Web.Tests.Support;

namespace Rapport.Web.Tests.Matching;

/// <summary>
/// Matching through HTTP, without an account: the JSON API and the server-rendered intake, results and profile pages
/// carry nothing of any client (every string of the response against every client in the database), a plain search
/// stores nothing, bad input is a 400, and the public POSTs need the antiforgery token (page) and are rate limited.
/// </summary>
public sealed partial class MatchingWebTests : IDisposable
{
    private readonly RapportApp _app = new();

    private static readonly object EveryConcern = new
    {
        concernsInTheirWords = "Low mood and worry",
        concerns = new[] { "low-mood", "anxiety", "panic", "stress", "grief", "relationships", "trauma", "self-esteem", "anger", "sleep", "life-changes", "family" },
        style = new Dictionary<string, string> { ["therapist-directiveness-vs-client-directiveness"] = "first", ["warm-support-vs-focused-challenge"] = "second" },
        format = "individual",
        mode = "video",
        language = "English",
        times = new[] { "weekday-mornings", "weekends" },
        maxFee = 60,
        needsReducedFee = true,
    };

    [Fact]
    public async Task MatchesAndPublicPages_HoldNoClientsNameIdEmailFreeTextOrScore()
    {
        using var visitor = _app.Anonymous();
        using var response = await visitor.PostAsJsonAsync(new Uri("/api/practices/harbour/matches", UriKind.Relative), EveryConcern);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        Assert.Equal(5, root.GetProperty("therapists").GetArrayLength());
        // Some figure is shown (therapist1 opted in with enough courses), so the check below is not of an empty answer.
        Assert.Contains("improved reliably", json, StringComparison.Ordinal);

        var strings = new List<string>();
        var numbers = new List<(string Name, double Value)>();
        Walk(root, "", strings, numbers);

        // Aggregates only: the only numbers are places, the minimum n and figures over at least that many courses.
        var minimum = root.GetProperty("minimumN").GetInt32();
        Assert.All(numbers, n => Assert.Contains(n.Name, new[] { "minimumN", "place", "n", "percent", "lower", "upper" }));
        Assert.All(numbers.Where(n => n.Name == "n"), n => Assert.True(n.Value >= minimum, $"n = {n.Value} below the minimum {minimum}"));

        var pages = new List<string>();
        foreach (var therapist in root.GetProperty("therapists").EnumerateArray())
        {
            pages.Add(await visitor.GetStringAsync(new Uri(therapist.GetProperty("profileUrl").GetString()!, UriKind.Relative)));
        }

        pages.Add(await visitor.GetStringAsync(new Uri("/practices/harbour/therapists", UriKind.Relative)));
        using (var results = await PostIntakePageAsync(visitor, [new("concern", "low-mood"), new("concern", "anxiety"), new("Form.Mode", "video")]))
        {
            var html = await results.Content.ReadAsStringAsync();
            Assert.Contains("What fits", html, StringComparison.Ordinal);
            pages.Add(html);
        }

        var forbidden = await EveryClientsDataAsync();
        Assert.True(forbidden.Count > 200, $"only {forbidden.Count} client values to look for");
        var leaks = forbidden.Where(f => strings.Any(s => s.Contains(f, StringComparison.OrdinalIgnoreCase))
            || pages.Any(p => WebUtility.HtmlDecode(p).Contains(f, StringComparison.OrdinalIgnoreCase))).ToList();
        Assert.True(leaks.Count == 0, "Client data in matching responses: " + string.Join(", ", leaks));
    }

    [Fact]
    public async Task PlainSearch_ThroughThePage_StoresNothing_AndWithoutTheAntiforgeryTokenIsRefused()
    {
        using var visitor = _app.Anonymous();
        var before = await CountsAsync();
        using (var results = await PostIntakePageAsync(visitor, [new("concern", "grief"), new("Form.ConcernsInTheirWords", "My father died in March.")]))
        {
            Assert.Equal(HttpStatusCode.OK, results.StatusCode);
            Assert.Contains("Ask to be contacted", await results.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var forged = new FormUrlEncodedContent([new("_handler", "match"), new("Form.Step", "contact"), new("Form.Name", "X"), new("Form.Contact", "x@example.org"), new("Form.Consent", "true")]))
        using (var refused = await visitor.PostAsync(new Uri("/practices/harbour/find-a-therapist", UriKind.Relative), forged))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }

        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task BadIntake_IsAValidationProblem_AndAnUnknownPracticeIsNotFound()
    {
        using var visitor = _app.Anonymous();
        using var bad = await visitor.PostAsJsonAsync(new Uri("/api/practices/harbour/matches", UriKind.Relative), new { concerns = new[] { "astrology" }, maxFee = -1 });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var problem = await bad.Content.ReadAsStringAsync();
        Assert.Contains("Concerns", problem, StringComparison.Ordinal);
        Assert.Contains("MaxFee", problem, StringComparison.Ordinal);

        using var missing = await visitor.PostAsJsonAsync(new Uri("/api/practices/nowhere/matches", UriKind.Relative), new { });
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using var page = await visitor.GetAsync(new Uri("/practices/nowhere/find-a-therapist", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
    }

    [Fact]
    public async Task TheMatchesApi_IsRateLimitedPerAddress()
    {
        using var visitor = _app.Anonymous();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 12; i++)
        {
            using var response = await visitor.PostAsJsonAsync(new Uri("/api/practices/harbour/matches", UriKind.Relative), new { concerns = new[] { "sleep" } });
            statuses.Add(response.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, statuses[0]);
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
    }

    private async Task<HttpResponseMessage> PostIntakePageAsync(HttpClient client, IEnumerable<KeyValuePair<string, string>> fields)
    {
        const string url = "/practices/harbour/find-a-therapist";
        var page = await client.GetStringAsync(new Uri(url, UriKind.Relative));
        var token = AntiforgeryToken().Match(page).Groups[1].Value;
        using var content = new FormUrlEncodedContent(fields.Append(new("Form.Step", "search")).Append(new("__RequestVerificationToken", token)).Append(new("_handler", "match")));
        return await client.PostAsync(new Uri(url, UriKind.Relative), content);
    }

    private static void Walk(JsonElement element, string name, List<string> strings, List<(string, double)> numbers)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in element.EnumerateObject())
                {
                    Walk(p.Value, p.Name, strings, numbers);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Walk(item, name, strings, numbers);
                }

                break;
            case JsonValueKind.String:
                strings.Add(element.GetString()!);
                break;
            case JsonValueKind.Number:
                numbers.Add((name, element.GetDouble()));
                break;
        }
    }

    /// <summary>Every client's id, name, e-mail and free text (decrypted), and the free text of their episodes.</summary>
    private async Task<List<string>> EveryClientsDataAsync()
    {
        await using var db = _app.SystemDb();
        var values = new List<string>();
        foreach (var c in await db.Clients.IgnoreQueryFilters().ToListAsync())
        {
            values.Add(c.Id.ToString());
            values.Add(c.DisplayName);
            values.Add(c.Email ?? "");
        }

        values.AddRange(await db.Episodes.IgnoreQueryFilters().Select(e => e.Title).ToListAsync());
        values.AddRange((await db.Episodes.IgnoreQueryFilters().Select(e => e.ReferralReason).ToListAsync()).OfType<string>());
        values.AddRange(await db.ClientNotes.IgnoreQueryFilters().Select(n => n.Text).ToListAsync());
        values.AddRange(await db.ClientGoals.IgnoreQueryFilters().Select(g => g.Text).ToListAsync());
        values.AddRange((await db.MeasureResponses.IgnoreQueryFilters().Select(r => r.Id).ToListAsync()).Select(id => id.ToString()));
        values.AddRange((await db.Episodes.IgnoreQueryFilters().Select(e => e.Id).ToListAsync()).Select(id => id.ToString()));
        return [.. values.Where(v => v.Length >= 6).Distinct(StringComparer.Ordinal)];
    }

    private async Task<(int, int)> CountsAsync()
    {
        await using var db = _app.SystemDb();
        return (await db.MatchReferrals.CountAsync(), await db.AuditEntries.IgnoreQueryFilters().CountAsync());
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();

    public void Dispose() => _app.Dispose();
}
