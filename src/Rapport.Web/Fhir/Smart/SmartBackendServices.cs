using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using Rapport.Fhir;
using Rapport.Persistence;
using Rapport.Systems;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Rapport.Web.Fhir.Smart;

/// <summary>
/// SMART on FHIR Backend Services (docs/fhir.md, decision 0016): a registered system gets a 5-minute access token at
/// <c>POST /auth/token</c> with client_credentials and a <c>private_key_jwt</c> assertion (RS384 or ES384) signed by a
/// key in the JWKS its practice admin pasted, and reads <c>/fhir</c> with it as that system. OpenIddict's server does the
/// OAuth; <see cref="ClientAssertionHandlers"/> adapt it to what SMART clients send.
/// </summary>
internal static class SmartBackendServices
{
    public const string TokenPath = "/auth/token";
    public const string GrantedScopeItem = "rapport:granted-scope";

    public static IServiceCollection AddSmartBackendServices(this IServiceCollection services, IWebHostEnvironment environment)
    {
        services.AddOpenIddict()
            .AddServer(o =>
            {
                o.SetTokenEndpointUris(TokenPath.TrimStart('/'));
                o.AllowClientCredentialsFlow();
                // SMART Backend Services: access tokens live 5 minutes (the system asks again, with a new assertion).
                o.SetAccessTokenLifetime(TimeSpan.FromMinutes(5));
                // Scopes are checked against the system's registration in the token endpoint (and OpenIddict's scope
                // permissions on its client), not against a global scope table.
                o.DisableScopeValidation();
                // Access tokens are opaque Data Protection payloads, protected by the app's key ring (in the database,
                // shared by every instance: decision 0014), so any instance validates any instance's token. No token
                // entries are stored: the system's row is checked on every request instead (revocation is immediate).
                o.UseDataProtection().PreferDefaultAccessTokenFormat();
                o.DisableTokenStorage();
                o.DisableAuthorizationStorage();
                // OpenIddict requires keys for the JWTs it could issue; it issues none here (no id_token, access tokens
                // are Data Protection payloads), so keys that live as long as the process are enough. An ECDSA P-256
                // and a symmetric key, not the default ephemeral RSA pair: two RSA key generations cost seconds on the
                // first request after every start, on a busy 2-core machine.
                o.AddSigningKey(new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)))
                    .AddEncryptionKey(new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)));
                var aspNetCore = o.UseAspNetCore().EnableTokenEndpointPassthrough();
                if (environment.IsDevelopment())
                {
                    // Plain http on loopback in Development and the tests; elsewhere the token endpoint is https only.
                    aspNetCore.DisableTransportSecurityRequirement();
                }

                ClientAssertionHandlers.Register(o);
            })
            .AddValidation(o =>
            {
                o.UseLocalServer();
                o.UseDataProtection();
                o.UseAspNetCore();
            });
        return services;
    }

    public static void MapSmartBackendServices(this WebApplication app)
    {
        app.MapPost(TokenPath, IssueTokenAsync).AllowAnonymous().DisableAntiforgery();
        app.MapGet("/.well-known/smart-configuration", (HttpContext http, FhirCatalog catalog) => Results.Json(new
        {
            issuer = Root(http),
            token_endpoint = TokenUrl(http),
            token_endpoint_auth_methods_supported = new[] { "private_key_jwt" },
            token_endpoint_auth_signing_alg_values_supported = new[] { "RS384", "ES384" },
            grant_types_supported = new[] { "client_credentials" },
            scopes_supported = SystemScopes.All(catalog.All.Select(r => r.Registration.Type)),
            capabilities = new[] { "client-confidential-asymmetric", "permission-v1", "permission-v2" },
        })).AllowAnonymous();
    }

    public static string Root(HttpContext http) => $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}";

    public static string TokenUrl(HttpContext http) => Root(http) + TokenPath;

    /// <summary>
    /// The token endpoint, after OpenIddict has checked the grant type and the client assertion (signature by a
    /// registered key, iss = sub = client_id, aud, exp, jti): grant the scopes asked for that the system holds.
    /// </summary>
    private static async Task<IResult> IssueTokenAsync(HttpContext http, RapportDb db, FhirCatalog catalog)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("The OpenIddict server request is missing.");
        if (!request.IsClientCredentialsGrantType())
        {
            return Refuse(Errors.UnsupportedGrantType, "Only client_credentials is supported.");
        }

        // Account data, not clinical: there is no viewer yet (the caller is the system being signed in).
        var system = await db.ConnectedSystems.IgnoreQueryFilters().AsNoTracking()
            .FirstOrDefaultAsync(s => s.ClientId == request.ClientId && s.RevokedAt == null, http.RequestAborted);
        if (system is null)
        {
            return Refuse(Errors.InvalidClient, "This system is not registered, or its registration was revoked.");
        }

        var registered = SystemScopes.Split(system.Scopes);
        var requested = request.GetScopes();
        if (requested.IsEmpty)
        {
            return Refuse(Errors.InvalidScope, "Ask for the scopes you need (e.g. system/*.read).");
        }

        var types = catalog.All.Select(r => r.Registration.Type).ToList();
        if (requested.FirstOrDefault(s => !registered.Contains(s) || SystemScopes.TypeOf(s, types) is null) is { } refused)
        {
            return Refuse(Errors.InvalidScope, $"The scope {refused} is not granted to this system.");
        }

        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, system.ClientId);
        identity.SetClaim(Claims.Name, system.Name);
        identity.SetScopes(requested);
        identity.SetDestinations(static _ => [Destinations.AccessToken]);
        http.Items[GrantedScopeItem] = string.Join(' ', requested);
        return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static IResult Refuse(string error, string description) => Results.Forbid(
        new Microsoft.AspNetCore.Authentication.AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        }),
        [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
}
