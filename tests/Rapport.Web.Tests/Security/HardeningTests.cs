using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Rapport.Web.Tests.Api;
using Rapport.Web.Tests.Support;

namespace Rapport.Web.Tests.Security;

/// <summary>What the browser is told to enforce on every response.</summary>
public sealed class SecurityHeaderTests(SharedApp shared) : IClassFixture<SharedApp>
{
    [Theory]
    [InlineData("/")]
    [InlineData("/Account/Login")]
    [InlineData("/api/me")]
    public async Task EveryResponse_CarriesAStrictContentSecurityPolicyAndNoSniff(string path)
    {
        using var client = shared.App.Anonymous();

        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));

        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self';", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
    }

    [Fact]
    public async Task SignInPage_HasNoInlineScriptOrStyle_SoThePolicyDoesNotBreakIt()
    {
        using var client = shared.App.Anonymous();

        var html = await client.GetStringAsync(new Uri("/Account/Login", UriKind.Relative));

        Assert.DoesNotContain("style=\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("importmap", html, StringComparison.Ordinal);
    }
}

/// <summary>Password and token guessing from one address is slowed to a few tries a minute.</summary>
public sealed class RateLimitTests : IDisposable
{
    private readonly RapportApp _app = new();

    [Fact]
    public async Task ApiSignIn_AfterTheLimit_Answers429WithAClearMessage()
    {
        using var limited = _app.WithWebHostBuilder(b => b.UseSetting("RateLimits:SignInPerMinute", "3"));
        using var client = limited.CreateClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var attempt = await client.PostAsJsonAsync("/api/identity/login", new { email = Personas.Therapist1, password = "wrong-password-guess-" + i });
            statuses.Add(attempt.StatusCode);
        }

        using var response = await client.PostAsJsonAsync("/api/identity/login", new { email = Personas.Therapist1, password = RapportApp.Password });

        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, statuses.Take(3));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[3]);
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Contains("Too many attempts", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.NotNull(response.Headers.RetryAfter);
    }

    public void Dispose() => _app.Dispose();
}

/// <summary>A practice that requires a second factor for staff gets it: no clinical page or API without one.</summary>
public sealed class StaffSecondFactorTests : IDisposable
{
    private readonly RapportApp _app = new();

    [Fact]
    public async Task StaffWithoutSecondFactor_InAPracticeThatRequiresIt_IsSentToSetOneUp()
    {
        using var before = await _app.SignedInWithCookieAsync(Personas.Therapist1);
        using (var ok = await before.GetAsync(new Uri("/caseload", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        await RequireSecondFactorAsync();
        using var page = await before.GetAsync(new Uri("/caseload", UriKind.Relative));
        using var api = await _app.SignedInAsync(Personas.Therapist1);
        using var apiResponse = await api.GetAsync(new Uri("/api/caseload", UriKind.Relative));
        using var client = await _app.SignedInWithCookieAsync(Personas.Client1);
        using var clientPage = await client.GetAsync(new Uri("/me", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal("/Account/Manage/EnableAuthenticator", page.Headers.Location!.ToString());
        Assert.Equal(HttpStatusCode.Forbidden, apiResponse.StatusCode);
        Assert.Contains("second factor", await apiResponse.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, clientPage.StatusCode);
    }

    [Fact]
    public async Task StaffWithSecondFactor_InAPracticeThatRequiresIt_GetsIn()
    {
        // A cookie issued before the authenticator was set up stands in for a completed two-step sign-in.
        using var session = await _app.SignedInWithCookieAsync(Personas.Therapist2);
        await RequireSecondFactorAsync();
        await using (var db = _app.SystemDb())
        {
            var user = await db.Users.SingleAsync(u => u.NormalizedEmail == "THERAPIST2@HARBOUR.EXAMPLE");
            user.TwoFactorEnabled = true;
            await db.SaveChangesAsync();
        }

        using var page = await session.GetAsync(new Uri("/caseload", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    private async Task RequireSecondFactorAsync()
    {
        await using var db = _app.SystemDb();
        var harbour = await db.Practices.SingleAsync(p => p.Slug == "harbour");
        harbour.RequireStaffSecondFactor = true;
        await db.SaveChangesAsync();
    }

    public void Dispose() => _app.Dispose();
}
