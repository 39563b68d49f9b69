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

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var inner = Inner;
        var result = await Context.AuthenticateAsync(inner);
        if (!result.Succeeded)
        {
            return result;
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

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) => Context.ChallengeAsync(Inner, properties);

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) => Context.ForbidAsync(Inner, properties);
}
