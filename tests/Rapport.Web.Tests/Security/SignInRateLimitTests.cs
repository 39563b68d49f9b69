using System.Net;
using System.Net.Http.Json;
using Rapport.Web.Tests.Support;

namespace Rapport.Web.Tests.Security;

/// <summary>
/// The sign-in limit belongs to the endpoints, not to one spelling of their path (issue 10, item 5), and counts per
/// client address (a forwarded address only from a configured proxy) and per account.
/// </summary>
public sealed class SignInRateLimitTests
{
    private const int Limit = 3;

    [Fact]
    public async Task EverySpellingOfASignInPath_IsThrottled_OnceTheAddressUsedItsBudget()
    {
        using var app = new RapportApp(settings: new Dictionary<string, string> { ["RateLimits:SignInPerMinute"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        using var client = app.Anonymous();
        for (var i = 0; i < Limit; i++)
        {
            using var attempt = await client.PostAsJsonAsync("/api/identity/login", new { email = $"nobody{i}@example.org", password = "wrong-password-guess" });
            Assert.NotEqual(HttpStatusCode.TooManyRequests, attempt.StatusCode);
        }

        string[] variants =
        [
            "/api/identity/login/", "/api//identity/login", "/API/Identity/LOGIN", "/api/identity%2Flogin", "/api/identity%2flogin/",
            "/api/identity/login?useCookies=true", "/api/identity/forgotPassword/", "/api/identity/refresh/", "/Account/Login", "/Account/Login/",
            "/account/login", "/Account//Login", "/Account/ForgotPassword/", "/invitations/accept/",
        ];
        // Each spelling carries a real account's correct password (a different account each time, so the per-account
        // budget plays no part): reaching a sign-in endpoint unthrottled would answer 200 (a token), 400 (a form without
        // its antiforgery token) or set the sign-in cookie. Anything else (429; 401 or a redirect from the sign-in
        // requirement on a path that is no endpoint; 404) is not a way in.
        var reached = new List<string>();
        var n = 1;
        foreach (var path in variants)
        {
            using var response = await client.PostAsJsonAsync(path, new { email = $"client{n++}@harbour.example", password = RapportApp.Password, refreshToken = "x" });
            var setsCookie = response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("rapport.auth=", StringComparison.Ordinal) && !c.StartsWith("rapport.auth=;", StringComparison.Ordinal));
            if (response.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest || setsCookie)
            {
                reached.Add($"{path}: {(int)response.StatusCode}");
            }
        }

        Assert.True(reached.Count == 0, "Reached a sign-in endpoint past the limit: " + string.Join(", ", reached));
    }

    [Fact]
    public async Task SpoofedForwardedFor_FromAnAddressThatIsNoConfiguredProxy_DoesNotEscapeTheAddressLimit()
    {
        using var app = new RapportApp(realServer: true, settings: new Dictionary<string, string> { ["RateLimits:SignInPerMinute"] = "3" });
        using var client = new HttpClient { BaseAddress = app.ServerAddress };

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i <= Limit; i++)
        {
            statuses.Add(await SignInAsync(client, $"nobody{i}@example.org", forwardedFor: $"203.0.113.{i + 1}"));
        }

        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, statuses.Take(Limit));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[Limit]);
    }

    [Fact]
    public async Task BehindAConfiguredProxy_EachClientAddressHasItsOwnBudget_ButOneAccountIsLimitedFromEveryAddress()
    {
        using var app = new RapportApp(realServer: true, settings: new Dictionary<string, string>
        {
            ["RateLimits:SignInPerMinute"] = "3",
            ["ReverseProxy:KnownProxies"] = "127.0.0.1",
        });
        using var client = new HttpClient { BaseAddress = app.ServerAddress };

        var differentPeople = new List<HttpStatusCode>();
        for (var i = 0; i <= Limit; i++)
        {
            differentPeople.Add(await SignInAsync(client, $"person{i}@example.org", forwardedFor: $"198.51.100.{i + 1}"));
        }

        var oneAccount = new List<HttpStatusCode>();
        for (var i = 0; i <= Limit; i++)
        {
            oneAccount.Add(await SignInAsync(client, " Therapist1@Harbour.example ", forwardedFor: $"192.0.2.{i + 1}"));
        }

        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, differentPeople);
        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, oneAccount.Take(Limit));
        Assert.Equal(HttpStatusCode.TooManyRequests, oneAccount[Limit]);
    }

    [Fact]
    public async Task ADecoyAddressBesideTheRealOne_DoesNotEscapeTheAccountLimit()
    {
        using var app = new RapportApp(realServer: true, settings: new Dictionary<string, string>
        {
            ["RateLimits:SignInPerMinute"] = "3",
            ["ReverseProxy:KnownProxies"] = "127.0.0.1",
        });
        using var client = new HttpClient { BaseAddress = app.ServerAddress };

        // The limiter once read the first "email" and the endpoint bound the last: a new decoy each time escaped the limit.
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i <= Limit; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/identity/login")
            {
                Content = new StringContent($"{{\"email\":\"decoy{i}@example.org\",\"Email\":\"therapist1@harbour.example\",\"password\":\"wrong-password-guess\"}}", System.Text.Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("X-Forwarded-For", $"203.0.113.{i + 1}");
            using var response = await client.SendAsync(request);
            statuses.Add(response.StatusCode);
        }

        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, statuses.Take(Limit));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[Limit]);
    }

    private static async Task<HttpStatusCode> SignInAsync(HttpClient client, string email, string forwardedFor)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/identity/login") { Content = JsonContent.Create(new { email, password = "wrong-password-guess" }) };
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }
}
