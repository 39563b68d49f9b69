using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Rapport.Access;
using Rapport.Persistence;
using Rapport.Staff;
using Rapport.Audit;

namespace Rapport.Accounts;

/// <summary>Puts the practice, the staff member or client, and the staff roles into the sign-in, so <see cref="Viewer"/> needs no look-up per request.</summary>
[NotAudited("Reads the signing-in person's own account to build their claims; no clinical data")]
public sealed class RapportClaimsFactory(UserManager<RapportUser> users, IOptions<IdentityOptions> options, RapportDb db)
    : UserClaimsPrincipalFactory<RapportUser>(users, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(RapportUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(RapportClaims.Practice, user.PracticeId.ToString()));
        if (user.StaffMemberId is { } staffId)
        {
            identity.AddClaim(new Claim(RapportClaims.StaffMember, staffId.ToString()));
            var roles = await db.StaffMembers.IgnoreQueryFilters()
                .Where(s => s.Id == staffId && s.Active)
                .Select(s => s.Roles)
                .FirstOrDefaultAsync();
            foreach (var role in new[] { StaffRoles.Therapist, StaffRoles.Supervisor, StaffRoles.PracticeAdmin })
            {
                if ((roles & role) == role)
                {
                    identity.AddClaim(new Claim(ClaimTypes.Role, role.ToString()));
                }
            }
        }

        if (user.ClientId is { } clientId)
        {
            identity.AddClaim(new Claim(RapportClaims.Client, clientId.ToString()));
            identity.AddClaim(new Claim(ClaimTypes.Role, RapportClaims.ClientRole));
        }

        return identity;
    }
}
