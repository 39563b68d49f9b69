using Microsoft.EntityFrameworkCore;
using Rapport.Access;
using Rapport.Audit;
using Rapport.Persistence;

namespace Rapport.Staff;

/// <summary>
/// A practice admin deactivates a staff member (they leave, or their access must end now) or reactivates them. Deactivation
/// ends every session and bearer token at once (a new security stamp, checked on every request), refuses their sign-in
/// from then on, and so removes everything their care-team places gave them; the rest of each care team keeps the clients.
/// Both are audit entries in the practice's chain. An admin cannot deactivate themself (the practice would lose its admin).
/// </summary>
[Audits(AuditedAs.Writes)]
public sealed class ChangeStaffAccess(RapportDb db)
{
    public sealed record Changed(Guid Id, string DisplayName, bool Active);

    public const string Deactivated = "Access ended: deactivated by a practice admin";
    public const string Reactivated = "Access restored: reactivated by a practice admin";

    public async Task<Outcome<ChangeStaffAccess.Changed>> HandleAsync(Guid staffMemberId, bool active, CancellationToken cancellationToken = default)
    {
        var viewer = db.Viewer;
        if (!viewer.Has(StaffRoles.PracticeAdmin) || viewer.PracticeId is not { } practiceId)
        {
            return Outcome<ChangeStaffAccess.Changed>.Missing();
        }

        // The tenant filter keeps another practice's staff out of reach (not found, as for an unknown id).
        var staff = await db.StaffMembers.FirstOrDefaultAsync(s => s.Id == staffMemberId, cancellationToken);
        if (staff is null)
        {
            return Outcome<ChangeStaffAccess.Changed>.Missing();
        }

        if (!active && staff.Id == viewer.StaffMemberId)
        {
            return Outcome<ChangeStaffAccess.Changed>.Invalid("StaffMember", "You cannot deactivate yourself; ask another practice admin.");
        }

        if (staff.Active == active)
        {
            return Outcome<Changed>.Ok(new Changed(staff.Id, staff.DisplayName, staff.Active));
        }

        staff.Active = active;
        staff.Version = Guid.NewGuid();
        var account = await db.Users.FirstOrDefaultAsync(u => u.StaffMemberId == staff.Id && u.PracticeId == practiceId, cancellationToken);
        if (account is not null)
        {
            // What UserManager.UpdateSecurityStampAsync does, here in the same transaction as the change and its audit entry.
            account.SecurityStamp = Guid.NewGuid().ToString("N");
            account.ConcurrencyStamp = Guid.NewGuid().ToString();
        }

        await db.AddAuditEntryAsync(AuditAction.Update, nameof(StaffMember), staff.Id.ToString(), practiceId, null,
            active ? Reactivated : Deactivated, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return Outcome<Changed>.Ok(new Changed(staff.Id, staff.DisplayName, staff.Active));
    }
}
