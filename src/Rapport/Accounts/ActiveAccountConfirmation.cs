using Rapport.Audit;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Rapport.Persistence;

namespace Rapport.Accounts;

/// <summary>
/// Who may sign in at all: a confirmed account (Identity's rule) that, for staff, belongs to an active staff member.
/// A deactivated therapist's correct password then gets the same refusal as a wrong one, on the page and the API.
/// </summary>
[NotAudited("checks at sign-in that a staff account is active; account data, no clinical data")]
public sealed class ActiveAccountConfirmation(RapportDb db) : DefaultUserConfirmation<RapportUser>
{
    public override async Task<bool> IsConfirmedAsync(UserManager<RapportUser> manager, RapportUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (!await base.IsConfirmedAsync(manager, user))
        {
            return false;
        }

        return user.StaffMemberId is not { } staffId
            || await db.StaffMembers.IgnoreQueryFilters().AnyAsync(s => s.Id == staffId && s.PracticeId == user.PracticeId && s.Active);
    }
}
