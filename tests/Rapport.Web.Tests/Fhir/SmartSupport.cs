using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Rapport.Access;
using Rapport.Systems;
using Rapport.Web.Tests.Support;

namespace Rapport.Web.Tests.Fhir;

/// <summary>A backend system as SMART Backend Services describes it: its own key pair, registered by a practice admin.</summary>
internal sealed class BackendSystem(string clientId, Guid id, SecurityKey key, string algorithm) : IDisposable
{
    public const string AssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    public string ClientId { get; } = clientId;
    public Guid Id { get; } = id;

    /// <summary>A client assertion as Inferno's kit signs it: typ JWT, kid, iss = sub = client_id, aud = token URL, exp 5 minutes, random jti.</summary>
    public string Assertion(Uri tokenUrl, TimeSpan? lifetime = null, string? jti = null, SecurityKey? signWith = null, string? typ = "JWT")
    {
        var now = DateTime.UtcNow;
        var life = lifetime ?? TimeSpan.FromMinutes(5);
        // An expired assertion was issued before it expired.
        var issued = life < TimeSpan.Zero ? now + life - TimeSpan.FromMinutes(5) : now;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = ClientId,
            Audience = tokenUrl.AbsoluteUri,
            Claims = new Dictionary<string, object> { ["sub"] = ClientId, ["jti"] = jti ?? Guid.NewGuid().ToString("N") },
            IssuedAt = issued,
            NotBefore = issued,
            Expires = now + life,
            SigningCredentials = new SigningCredentials(signWith ?? key, algorithm),
            TokenType = typ,
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    public static FormUrlEncodedContent TokenRequest(string assertion, string scope = SystemScopes.AllRead, string grantType = "client_credentials") => new(new Dictionary<string, string>
    {
        ["grant_type"] = grantType,
        ["client_assertion_type"] = AssertionType,
        ["client_assertion"] = assertion,
        ["scope"] = scope,
    });

    /// <summary>A token for this system, or the failed response's body as the exception message.</summary>
    public async Task<string> TokenAsync(HttpClient http, string scope = SystemScopes.AllRead)
    {
        using var response = await http.PostAsync(new Uri("/auth/token", UriKind.Relative), TokenRequest(Assertion(new Uri(http.BaseAddress!, "/auth/token")), scope));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
    }

    public async Task<HttpClient> ClientAsync(RapportApp app, string scope = SystemScopes.AllRead)
    {
        var http = app.Anonymous();
        var token = await TokenAsync(http, scope);
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    public void Dispose()
    {
        if (key is AsymmetricSecurityKey { } asymmetric)
        {
            (asymmetric as RsaSecurityKey)?.Rsa?.Dispose();
            (asymmetric as ECDsaSecurityKey)?.ECDsa?.Dispose();
        }
    }

    public static (SecurityKey Private, string Jwks) NewKey(string algorithm, string kid)
    {
        if (algorithm == SecurityAlgorithms.RsaSha384)
        {
            var rsa = RSA.Create(2048);
            var p = rsa.ExportParameters(false);
            var jwks = JsonSerializer.Serialize(new { keys = new[] { new { kty = "RSA", kid, alg = "RS384", use = "sig", n = Base64UrlEncoder.Encode(p.Modulus), e = Base64UrlEncoder.Encode(p.Exponent) } } });
            return (new RsaSecurityKey(rsa) { KeyId = kid }, jwks);
        }

        var ec = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var q = ec.ExportParameters(false).Q;
        var set = JsonSerializer.Serialize(new { keys = new[] { new { kty = "EC", kid, alg = "ES384", use = "sig", crv = "P-384", x = Base64UrlEncoder.Encode(q.X), y = Base64UrlEncoder.Encode(q.Y) } } });
        return (new ECDsaSecurityKey(ec) { KeyId = kid }, set);
    }

    /// <summary>Registers a system through the admin's feature, as the administration page does.</summary>
    public static async Task<BackendSystem> RegisterAsync(RapportApp app, string admin = Personas.HarbourAdmin, string algorithm = SecurityAlgorithms.RsaSha384,
        string scopes = SystemScopes.AllRead, bool research = false)
    {
        var kid = Guid.NewGuid().ToString("N")[..8];
        var (key, jwks) = NewKey(algorithm, kid);
        await using var scope = app.Services.CreateViewerScope(await app.ViewerForAsync(admin));
        var outcome = await scope.ServiceProvider.GetRequiredService<RegisterConnectedSystem>()
            .HandleAsync(new ConnectedSystemForm { Name = $"Test system {kid}", Jwks = jwks, Scopes = scopes, Research = research });
        Assert.True(outcome.Succeeded, string.Join("; ", outcome.Errors.Values));
        return new BackendSystem(outcome.Value!.ClientId, outcome.Value.Id, key, algorithm);
    }

    public static async Task RevokeAsync(RapportApp app, Guid id, string admin = Personas.HarbourAdmin)
    {
        await using var scope = app.Services.CreateViewerScope(await app.ViewerForAsync(admin));
        var outcome = await scope.ServiceProvider.GetRequiredService<RevokeConnectedSystem>().HandleAsync(id);
        Assert.True(outcome.Succeeded);
    }
}
