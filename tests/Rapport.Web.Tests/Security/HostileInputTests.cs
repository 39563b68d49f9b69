using System.Net;
using System.Net.Http.Json;
using System.Text;
using Rapport.BreakGlass;
using Rapport.Email;
using Rapport.Web.Tests.Api;
using Microsoft.Extensions.DependencyInjection;

namespace Rapport.Web.Tests.Security;

/// <summary>Malformed, oversized and hostile input gets a 4xx answer, never a server error, and markup comes back escaped.</summary>
public sealed class HostileInputTests(SharedApp shared) : IClassFixture<SharedApp>
{
    public static TheoryData<string, string> BadLoginBodies => new()
    {
        { "malformed JSON", "{\"email\": \"therapist1@harbour.example\", \"password\": " },
        { "wrong types", "{\"email\": 5, \"password\": [1, 2]}" },
        { "not an object", "[\"therapist1@harbour.example\"]" },
        { "empty", "" },
        { "oversized password", "{\"email\": \"therapist1@harbour.example\", \"password\": \"" + new string('x', 2_000_000) + "\"}" },
        { "script as email", "{\"email\": \"<script>alert(1)</script>\", \"password\": \"rapport-demo-2026\"}" },
    };

    [Theory]
    [MemberData(nameof(BadLoginBodies))]
    public async Task ApiSignIn_WithHostileInput_AnswersFourHundredSomething(string what, string body)
    {
        using var client = shared.App.Anonymous();
        using var content = new StringContent(body, Encoding.UTF8, "application/json");

        using var response = await client.PostAsync(new Uri("/api/identity/login", UriKind.Relative), content);

        Assert.True((int)response.StatusCode is >= 400 and < 500, $"{what}: {(int)response.StatusCode}");
    }

    [Theory]
    [InlineData("/api/clients/not-a-guid")]
    [InlineData("/api/clients/00000000-0000-0000-0000-000000000000")]
    [InlineData("/clients/%3Cscript%3E")]
    [InlineData("/api/clients/" + "1234567890123456789012345678901234567890")]
    public async Task MalformedIds_AreNotFound(string url)
    {
        using var client = await shared.App.SignedInWithCookieAsync(Personas.Therapist1);

        using var response = await client.GetAsync(new Uri(url, UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task OversizedBody_IsRefusedBeforeAnyHandlerReadsIt()
    {
        using var client = await shared.App.SignedInWithCookieAsync(Personas.Therapist1);
        // Just over the bound (6 MB): larger than any transcript the upload accepts.
        using var content = new ByteArrayContent(new byte[(6 * 1024 * 1024) + 1]);
        content.Headers.ContentType = new("application/octet-stream");

        using var response = await client.PostAsync(new Uri("/api/identity/login", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Theory]
    [InlineData("/api/identity/login")]
    [InlineData("/Account/Login")]
    [InlineData("/check-in")]
    public async Task BodyOverTheOrdinaryBound_IsRefused_WhereTheEndpointTakesOnlySmallBodies(string url)
    {
        using var client = await shared.App.SignedInWithCookieAsync(Personas.Therapist1);
        // Far below the transcript bound (6 MB), far above any form or JSON body a person sends (256 KB).
        using var content = new ByteArrayContent(new byte[(256 * 1024) + 1]);
        content.Headers.ContentType = new("application/x-www-form-urlencoded");

        using var response = await client.PostAsync(new Uri(url, UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task TranscriptUpload_TakesABodyOverTheOrdinaryBound()
    {
        using var client = await shared.App.SignedInWithCookieAsync(Personas.Therapist1);
        using var content = new ByteArrayContent(new byte[(256 * 1024) + 1]);
        content.Headers.ContentType = new("multipart/form-data", "boundary=x");

        using var response = await client.PostAsync(new Uri($"/sessions/{Guid.NewGuid()}/transcript", UriKind.Relative), content);

        // Refused for other reasons (no antiforgery token, no such session), but not for its size.
        Assert.NotEqual(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.True((int)response.StatusCode < 500, $"{(int)response.StatusCode}");
    }

    [Fact]
    public async Task FormPost_WithoutAntiforgeryToken_IsRefused()
    {
        using var client = shared.App.Anonymous();
        using var content = new FormUrlEncodedContent(new Dictionary<string, string> { ["Input.Email"] = Personas.Therapist1, ["Input.Password"] = "x", ["_handler"] = "login" });

        using var response = await client.PostAsync(new Uri("/Account/Login", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task ScriptInABreakGlassReason_IsShownToTheClientAsText()
    {
        var id = await shared.App.ClientIdAsync(Personas.Client9);
        await using (var admin = await shared.App.As(Personas.HarbourAdmin))
        {
            var outcome = await admin.Get<OpenBreakGlass>()
                .HandleAsync(id, "<script>alert('owned')</script> welfare check requested by police", "https://example.org");
            Assert.True(outcome.Succeeded);
        }

        using var me = await shared.App.SignedInWithCookieAsync(Personas.Client9);
        var html = await me.GetStringAsync(new Uri("/me/access", UriKind.Relative));

        Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(", html, StringComparison.Ordinal);
    }
}
