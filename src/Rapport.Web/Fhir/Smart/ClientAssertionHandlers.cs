using System.Globalization;
using Microsoft.AspNetCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using Rapport.Persistence;
using Rapport.Systems;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Rapport.Web.Fhir.Smart;

/// <summary>
/// OpenIddict 7 follows the RFC 7523bis draft for client assertions; SMART Backend Services clients (and the Inferno kit)
/// send what RFC 7523 and the SMART spec say. These handlers, added to OpenIddict's own pipeline, bridge the two and add
/// what SMART requires that OpenIddict does not check (fhir-notes.md, "the blocker and its way round"):
/// <list type="bullet">
/// <item>header <c>typ: "JWT"</c> (or none) is accepted for a client assertion, and only for one;</item>
/// <item><c>aud</c> = the token endpoint URL is accepted (OpenIddict accepts only the issuer);</item>
/// <item><c>jti</c> is required and used once (across instances: a unique row), and <c>exp</c> may be at most
/// 5 minutes ahead;</item>
/// <item>the token response names the granted <c>scope</c>.</item>
/// </list>
/// </summary>
internal static class ClientAssertionHandlers
{
    /// <summary>SMART: "exp … no more than five minutes in the future".</summary>
    public static readonly TimeSpan MaxAssertionLifetime = TimeSpan.FromMinutes(5);

    // Small allowance for the two clocks, as IdentityModel's own lifetime check allows.
    private static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    private const string ClientAssertionTokenType = "urn:openiddict:params:oauth:token-type:client_assertion";

    public static void Register(OpenIddictServerBuilder server)
    {
        server.AddEventHandler<ValidateTokenContext>(b => b
            .UseSingletonHandler<AcceptSmartAssertionShape>()
            .SetOrder(OpenIddictServerHandlers.Protection.ResolveTokenValidationParameters.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom));
        server.AddEventHandler<ProcessAuthenticationContext>(b => b
            .UseScopedHandler<RefuseReplayedOrLongLivedAssertion>()
            .SetOrder(OpenIddictServerHandlers.ValidateClientAssertionIssuer.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom));
        server.AddEventHandler<ApplyTokenResponseContext>(b => b
            .UseSingletonHandler<NameGrantedScope>()
            .SetOrder(int.MinValue + 100)
            .SetType(OpenIddictServerHandlerType.Custom));
    }

    /// <summary>For a client assertion only: <c>typ</c> "JWT" or none is the assertion type, and the token URL is an audience.</summary>
    internal sealed class AcceptSmartAssertionShape : IOpenIddictServerHandler<ValidateTokenContext>
    {
        public ValueTask HandleAsync(ValidateTokenContext context)
        {
            ArgumentNullException.ThrowIfNull(context);
            if (!context.ValidTokenTypes.Contains(ClientAssertionTokenType) || context.TokenValidationParameters is not { } parameters)
            {
                return default;
            }

            var expected = parameters.ValidTypes?.ToList() ?? [];
            parameters.TypeValidator = (type, token, p) =>
            {
                if (string.IsNullOrEmpty(type) || string.Equals(type, "JWT", StringComparison.OrdinalIgnoreCase))
                {
                    return expected.FirstOrDefault() ?? "client-authentication+jwt";
                }

                return expected.Count == 0 || expected.Contains(type, StringComparer.OrdinalIgnoreCase)
                    ? type
                    : throw new SecurityTokenInvalidTypeException($"A client assertion's typ must be JWT, not {type}.") { InvalidType = type };
            };

            if (context.BaseUri is { } baseUri)
            {
                var tokenUrl = new Uri(baseUri, SmartBackendServices.TokenPath.TrimStart('/')).AbsoluteUri;
                parameters.ValidAudiences = [.. parameters.ValidAudiences ?? [], tokenUrl, tokenUrl + "/"];
                // OpenIddict checks the audience again after IdentityModel does, against the context's own list.
                context.ValidAudiences.Add(tokenUrl);
                context.ValidAudiences.Add(tokenUrl + "/");
            }

            return default;
        }
    }

    /// <summary>After OpenIddict has validated the assertion: require jti, refuse a reused one, refuse exp too far ahead.</summary>
    internal sealed class RefuseReplayedOrLongLivedAssertion(RapportDb db, TimeProvider clock) : IOpenIddictServerHandler<ProcessAuthenticationContext>
    {
        public async ValueTask HandleAsync(ProcessAuthenticationContext context)
        {
            ArgumentNullException.ThrowIfNull(context);
            if (context.ClientAssertionPrincipal is not { } assertion)
            {
                return;
            }

            var issuer = assertion.GetClaim(Claims.Issuer) ?? "";
            var jti = assertion.GetClaim(Claims.JwtId);
            if (string.IsNullOrEmpty(jti) || jti.Length > 200)
            {
                context.Reject(Errors.InvalidClient, "The client assertion must carry a jti (a fresh random id for every assertion).");
                return;
            }

            var now = clock.GetUtcNow();
            var expires = assertion.GetClaim(Claims.ExpiresAt) is { } exp && long.TryParse(exp, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds)
                ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                : assertion.GetExpirationDate();
            if (expires is null)
            {
                context.Reject(Errors.InvalidClient, "The client assertion must carry exp.");
                return;
            }

            // IdentityModel allows five minutes of clock skew by default; an assertion is meant to be used at once.
            if (expires < now - ClockSkew)
            {
                context.Reject(Errors.InvalidClient, "The client assertion has expired.");
                return;
            }

            if (expires > now + MaxAssertionLifetime + ClockSkew)
            {
                context.Reject(Errors.InvalidClient, "The client assertion's exp is more than 5 minutes ahead.");
                return;
            }

            // The unique (issuer, jti) index decides, so two instances cannot both accept the same assertion.
            await db.UsedClientAssertions.Where(a => a.ExpiresAt < now.UtcDateTime).ExecuteDeleteAsync(context.CancellationToken);
            db.UsedClientAssertions.Add(new UsedClientAssertion { Issuer = issuer.Length > 64 ? issuer[..64] : issuer, Jti = jti, ExpiresAt = expires.Value.UtcDateTime + ClockSkew });
            try
            {
                await db.SaveChangesAsync(context.CancellationToken);
            }
            catch (DbUpdateException)
            {
                context.Reject(Errors.InvalidClient, "This client assertion was already used: sign a new one (a new jti) for every token request.");
            }
        }
    }

    /// <summary>SMART: the token response says which scopes were granted (OpenIddict leaves it out when they equal those asked for).</summary>
    internal sealed class NameGrantedScope : IOpenIddictServerHandler<ApplyTokenResponseContext>
    {
        public ValueTask HandleAsync(ApplyTokenResponseContext context)
        {
            ArgumentNullException.ThrowIfNull(context);
            if (context.Response.AccessToken is not null && string.IsNullOrEmpty(context.Response.Scope)
                && context.Transaction.GetHttpRequest()?.HttpContext.Items[SmartBackendServices.GrantedScopeItem] is string granted)
            {
                context.Response.Scope = granted;
            }

            return default;
        }
    }
}
