using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Rapport.Web.Tests.Support;

namespace Rapport.Web.Tests.Security;

/// <summary>
/// Issue 10: a Data Protection key was committed, so anyone could forge a sign-in cookie or bearer token. A credential
/// protected with a key the app does not hold, or with the published key's id even when the app's own ring holds such a
/// key, must get exactly what no valid credential gets, on every route. The forged keys are made here, at run time, with
/// random material: no key XML is ever committed.
/// </summary>
public sealed class SignInKeyRingTests : IDisposable
{
    private static readonly Guid PublishedKeyId = Guid.Parse("8cd853cc-c475-48d4-96e0-acbc79390d3a");
    private const string CookieName = "rapport.auth";

    private readonly RapportApp _app = new();
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"rapport-forged-{Guid.NewGuid():N}");

    public void Dispose()
    {
        _app.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Never created.
        }
    }

    [Fact]
    public async Task CookieAndBearerToken_FromAKeyRingTheAppDoesNotHold_AreRefusedOnEveryRoute()
    {
        var (cookie, bearer) = await RealTicketsAsync(Personas.Therapist1);
        var foreign = ForeignProvider(Guid.NewGuid());

        // The same tickets under the app's own key open the caseload: the forging below differs only in the key.
        await AssertOpensTheCaseloadAsync(Protect(_app.Services.GetRequiredService<IDataProtectionProvider>(), cookie, bearer));
        await AssertSameAsAnonymousOnEveryRouteAsync(Protect(foreign, cookie, bearer));
    }

    [Fact]
    public async Task KeyWithThePublishedId_IsRefusedOnEveryRoute_EvenWhenTheAppsOwnKeyRingHoldsIt()
    {
        var (cookie, bearer) = await RealTicketsAsync(Personas.Therapist1);
        var (xml, provider) = ForeignKey(PublishedKeyId);
        await using (var db = _app.SystemDb())
        {
            db.DataProtectionKeys.Add(new DataProtectionKey { FriendlyName = $"key-{PublishedKeyId:D}", Xml = xml });
            await db.SaveChangesAsync();
        }

        // Make the app re-read its ring now rather than at the next scheduled refresh (revoking an unknown id does that).
        _app.Services.GetRequiredService<IKeyManager>().RevokeKey(Guid.NewGuid(), "test: refresh the key ring");
        var key = Assert.Single(_app.Services.GetRequiredService<IKeyManager>().GetAllKeys(), k => k.KeyId == PublishedKeyId);
        Assert.True(key.IsRevoked, "the published key is in the app's ring but not revoked");
        await AssertSameAsAnonymousOnEveryRouteAsync(Protect(provider, cookie, bearer));
    }

    [Fact]
    public async Task KeysInTheDatabase_AreEncryptedWithTheCertificate_AndThePublishedKeyIsRevokedThere()
    {
        using (await _app.SignedInWithCookieAsync(Personas.Therapist1))
        {
            // A sign-in needs a key: the ring now holds at least one.
        }

        await using var db = _app.SystemDb();
        var rows = await db.DataProtectionKeys.AsNoTracking().ToListAsync();
        var keys = rows.Where(r => r.FriendlyName!.StartsWith("key-", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(keys);
        Assert.All(keys, k =>
        {
            Assert.Contains("EncryptedData", k.Xml, StringComparison.Ordinal);
            Assert.DoesNotContain("<" + "masterKey", k.Xml, StringComparison.Ordinal);
        });
        Assert.Contains(rows, r => r.FriendlyName == $"revocation-{PublishedKeyId:D}");
    }

    private async Task<(AuthenticationTicket Cookie, AuthenticationTicket Bearer)> RealTicketsAsync(string email)
    {
        using var client = _app.Anonymous();
        using var cookieResponse = await client.PostAsJsonAsync("/api/identity/login?useCookies=true", new { email, password = RapportApp.Password });
        cookieResponse.EnsureSuccessStatusCode();
        var setCookie = cookieResponse.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(CookieName + "=", StringComparison.Ordinal));
        var cookieValue = setCookie[(CookieName.Length + 1)..setCookie.IndexOf(';', StringComparison.Ordinal)];
        var cookieFormat = _app.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(IdentityConstants.ApplicationScheme).TicketDataFormat;

        using var bearerResponse = await client.PostAsJsonAsync("/api/identity/login", new { email, password = RapportApp.Password });
        bearerResponse.EnsureSuccessStatusCode();
        var token = (await bearerResponse.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString();
        var bearerFormat = _app.Services.GetRequiredService<IOptionsMonitor<BearerTokenOptions>>().Get(IdentityConstants.BearerScheme).BearerTokenProtector;

        return (cookieFormat.Unprotect(cookieValue) ?? throw new InvalidOperationException("cookie did not unprotect"),
            bearerFormat.Unprotect(token) ?? throw new InvalidOperationException("token did not unprotect"));
    }

    /// <summary>The two credentials, protected exactly as the app's cookie and bearer handlers protect them, but by <paramref name="provider"/>.</summary>
    private static (string Cookie, string Bearer) Protect(IDataProtectionProvider provider, AuthenticationTicket cookie, AuthenticationTicket bearer) => (
        new TicketDataFormat(provider.CreateProtector("Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationMiddleware", IdentityConstants.ApplicationScheme, "v2")).Protect(cookie),
        new TicketDataFormat(provider.CreateProtector("Microsoft.AspNetCore.Authentication.BearerToken", IdentityConstants.BearerScheme, "BearerToken")).Protect(bearer));

    /// <summary>A key ring of one fresh random key with the given id, as an attacker holding a key with that id would have.</summary>
    private (string Xml, IDataProtectionProvider Provider) ForeignKey(Guid id)
    {
        var scratch = Path.Combine(_folder, Guid.NewGuid().ToString("N"));
        DataProtectionProvider.Create(new DirectoryInfo(scratch), b => b.SetApplicationName("Rapport")).CreateProtector("make a key").Protect([1]);
        var made = Directory.GetFiles(scratch, "key-*.xml").Single();
        var madeId = Path.GetFileNameWithoutExtension(made)["key-".Length..];
        var xml = File.ReadAllText(made).Replace(madeId, id.ToString("D"), StringComparison.OrdinalIgnoreCase);

        var ring = Path.Combine(_folder, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(ring);
        File.WriteAllText(Path.Combine(ring, $"key-{id:D}.xml"), xml);
        var provider = DataProtectionProvider.Create(new DirectoryInfo(ring), b => b.SetApplicationName("Rapport").DisableAutomaticKeyGeneration());
        return (xml, provider);
    }

    private IDataProtectionProvider ForeignProvider(Guid id) => ForeignKey(id).Provider;

    private async Task AssertOpensTheCaseloadAsync((string Cookie, string Bearer) credentials)
    {
        using var cookieClient = WithCookie(credentials.Cookie);
        using var page = await cookieClient.GetAsync(new Uri("/caseload", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        using var bearerClient = WithBearer(credentials.Bearer);
        using var api = await bearerClient.GetAsync(new Uri("/api/caseload", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
    }

    private async Task AssertSameAsAnonymousOnEveryRouteAsync((string Cookie, string Bearer) credentials)
    {
        // Refused means: exactly what a request with no valid credential of that kind gets (a bearer header is
        // challenged with 401 where a browser without a cookie is sent to sign in).
        using var anonymous = _app.Anonymous();
        using var junkBearer = WithBearer("not-a-token");
        using var cookieClient = WithCookie(credentials.Cookie);
        using var bearerClient = WithBearer(credentials.Bearer);
        var failures = new List<string>();
        var urls = await UrlsAsync();
        Assert.Contains("/caseload", urls);
        Assert.Contains("/api/caseload", urls);
        foreach (var url in urls)
        {
            using var none = await anonymous.GetAsync(new Uri(url, UriKind.Relative));
            using var withCookie = await cookieClient.GetAsync(new Uri(url, UriKind.Relative));
            using var withBearer = await bearerClient.GetAsync(new Uri(url, UriKind.Relative));
            using var junk = await junkBearer.GetAsync(new Uri(url, UriKind.Relative));
            if (withCookie.StatusCode != none.StatusCode)
            {
                failures.Add($"{url} with the forged cookie: {(int)withCookie.StatusCode}, anonymous gets {(int)none.StatusCode}");
            }

            if (withBearer.StatusCode != junk.StatusCode)
            {
                failures.Add($"{url} with the forged bearer token: {(int)withBearer.StatusCode}, a junk token gets {(int)junk.StatusCode}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>Every GET route of the app (the authorisation matrix's route table), with real ids from client11's record.</summary>
    private async Task<List<string>> UrlsAsync()
    {
        var client11 = await _app.ClientIdAsync(Personas.Client11);
        Guid episode, session;
        await using (var db = _app.SystemDb())
        {
            episode = await db.EpisodeMembers.Where(m => m.ClientId == client11).Select(m => m.EpisodeId).FirstAsync();
            session = await db.Sessions.Where(s => s.EpisodeId == episode).Select(s => s.Id).FirstAsync();
        }

        var urls = new List<string>();
        foreach (var endpoint in _app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var pattern = endpoint.RoutePattern.RawText ?? "";
            var methods = endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods;
            if (!pattern.StartsWith('/') || (methods is not null && !methods.Contains("GET")))
            {
                continue;
            }

            var url = System.Text.RegularExpressions.Regex.Replace(pattern, @"\{(\w+)(:[^}]*)?\}", m => m.Groups[1].Value switch
            {
                "EpisodeId" => episode.ToString(),
                "SessionId" or "sessionId" => session.ToString(),
                "Code" => "404",
                _ when m.Groups[2].Value.Contains("guid", StringComparison.Ordinal) => pattern.StartsWith("/episodes/", StringComparison.Ordinal) ? episode.ToString() : client11.ToString(),
                _ => "unknown",
            });
            urls.Add(url);
        }

        return [.. urls.Distinct(StringComparer.Ordinal)];
    }

    private HttpClient WithCookie(string value)
    {
        var client = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        client.DefaultRequestHeaders.Add("Cookie", $"{CookieName}={value}");
        return client;
    }

    private HttpClient WithBearer(string token)
    {
        var client = _app.Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
