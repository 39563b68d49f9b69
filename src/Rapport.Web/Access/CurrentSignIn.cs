using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Rapport.Access;
using Rapport.Persistence;
using Rapport.Staff;

namespace Rapport.Web.Access;

/// <summary>
/// Whether a sign-in (cookie or bearer token) still belongs to a person who may use Rapport, checked on every request:
/// the account exists, its security stamp is the one the sign-in carries (a password change, sign-out or deactivation
/// renews it), it is not locked out, a staff member is still active, and the practice, staff, client and role claims are
/// the account's own. A validly protected sign-in (made with the app's key ring) is therefore never trusted as it is.
/// Cost: one look-up by primary key (the user, joined to their staff row) per authenticated request; measured cheaper
/// than the care-relationship filters every clinical query already pays.
/// </summary>
public sealed class CurrentSignIn(RapportDb db, IOptions<IdentityOptions> identity, TimeProvider clock)
{
    public async Task<bool> IsValidAsync(ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var userId = principal.FindFirstValue(identity.Value.ClaimsIdentity.UserIdClaimType);
        var stamp = principal.FindFirstValue(identity.Value.ClaimsIdentity.SecurityStampClaimType);
        if (string.IsNullOrEmpty(userId) || string.IsNullOrEmpty(stamp))
        {
            return false;
        }

        // Identity, not clinical data: no viewer exists yet, so the query filters are not in play.
        var account = await db.Users.AsNoTracking().IgnoreQueryFilters()
            .Where(u => u.Id == userId)
            .Select(u => new
            {
                u.SecurityStamp,
                u.LockoutEnd,
                u.PracticeId,
                u.StaffMemberId,
                u.ClientId,
                StaffRoles = db.StaffMembers.Where(s => s.Id == u.StaffMemberId && s.PracticeId == u.PracticeId && s.Active)
                    .Select(s => (StaffRoles?)s.Roles).FirstOrDefault(),
            })
            .FirstOrDefaultAsync(cancellationToken);
        if (account is null || account.SecurityStamp != stamp || account.LockoutEnd > clock.GetUtcNow())
        {
            return false;
        }

        var viewer = Viewer.FromPrincipal(principal);
        if (viewer.PracticeId != account.PracticeId || viewer.StaffMemberId != account.StaffMemberId || viewer.ClientId != account.ClientId)
        {
            return false;
        }

        if (account.StaffMemberId is not null)
        {
            // A deactivated (or vanished) staff member has no sign-in at all; roles must be the ones the practice gave.
            return account.StaffRoles is { } roles && viewer.Roles == roles;
        }

        return viewer.Roles == StaffRoles.None;
    }
}

/// <summary>
/// The <see cref="Policies.CookieOrBearer"/> scheme: reads the bearer token (API) or the sign-in cookie (browser), then
/// accepts it only if <see cref="CurrentSignIn"/> says the person may still use Rapport. A refused cookie is deleted.
/// </summary>
internal sealed class CurrentSignInHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>The user id whose sign-in passed the check in this request; <see cref="HttpViewerSource"/> builds a viewer only for it.</summary>
    internal const string CheckedUser = "rapport:checked-user";

    private string Inner => Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
        ? IdentityConstants.BearerScheme
        : IdentityConstants.ApplicationScheme;

    /// <summary>The connected system whose token passed the check in this request (<see cref="Viewer.ForConnectedSystem"/>).</summary>
    internal const string CheckedSystem = "rapport:checked-system";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var inner = Inner;
        var result = await Context.AuthenticateAsync(inner);
        if (!result.Succeeded)
        {
            // A registered system's token (SMART Backend Services) is good for the FHIR API only, never for a page or /api.
            return inner == IdentityConstants.BearerScheme && Request.Path.StartsWithSegments("/fhir")
                ? await ConnectedSystemAsync() ?? result
                : result;
        }

        var check = Context.RequestServices.GetRequiredService<CurrentSignIn>();
        if (!await check.IsValidAsync(result.Principal, Context.RequestAborted))
        {
            if (inner == IdentityConstants.ApplicationScheme)
            {
                await Context.SignOutAsync(IdentityConstants.ApplicationScheme);
            }

            return AuthenticateResult.Fail("This sign-in is no longer valid.");
        }

        Context.Items[CheckedUser] = result.Principal.FindFirstValue(ClaimTypes.NameIdentifier);
        return AuthenticateResult.Success(new AuthenticationTicket(result.Principal, result.Properties, Scheme.Name));
    }

    /// <summary>
    /// A system's access token, accepted only while the system's registration stands: revoking it refuses the next
    /// request, not only the next token. One look-up by client id (unique index) per request, as for a person's sign-in.
    /// </summary>
    private async Task<AuthenticateResult?> ConnectedSystemAsync()
    {
        var token = await Context.AuthenticateAsync(OpenIddict.Validation.AspNetCore.OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme);
        if (!token.Succeeded || token.Principal.FindFirstValue(OpenIddict.Abstractions.OpenIddictConstants.Claims.Subject) is not { } clientId)
        {
            return null;
        }

        var db = Context.RequestServices.GetRequiredService<RapportDb>();
        // Account data, not clinical: no viewer exists yet, so the query filters are not in play.
        var system = await db.ConnectedSystems.IgnoreQueryFilters().AsNoTracking()
            .Where(s => s.ClientId == clientId && s.RevokedAt == null)
            .Select(s => new { s.Id, s.Name, s.PracticeId, s.Scopes, s.Research })
            .FirstOrDefaultAsync(Context.RequestAborted);
        if (system is null)
        {
            return AuthenticateResult.Fail("This system's registration was revoked.");
        }

        // Only scopes the token was granted AND the registration still holds.
        var granted = OpenIddict.Abstractions.OpenIddictExtensions.GetScopes(token.Principal);
        var held = Rapport.Systems.SystemScopes.Split(system.Scopes);
        var scopes = granted.Where(held.Contains).ToList();
        Context.Items[CheckedSystem] = Viewer.ForConnectedSystem(system.Id, system.Name, system.PracticeId, scopes, system.Research);
        var identity = new ClaimsIdentity(
            [new Claim(RapportClaims.ConnectedSystem, system.Id.ToString()), new Claim(ClaimTypes.Name, system.Name), new Claim(RapportClaims.Practice, system.PracticeId.ToString())],
            Scheme.Name);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) => Context.ChallengeAsync(Inner, properties);

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) => Context.ForbidAsync(Inner, properties);
}
