using Microsoft.EntityFrameworkCore;
using Rapport.Audit;
using Rapport.Persistence;
using Rapport.Staff;

namespace Rapport.Matching;

/// <summary>
/// The practice admin deletes a referral, when the person asks (the consent wording promises it) or once it is dealt
/// with. The row goes; the audit trail keeps that it existed and who deleted it, naming no one.
/// </summary>
[Audits(AuditedAs.Writes)]
public sealed class DeleteReferral(RapportDb db)
{
    /// <summary>True when deleted; false for anyone but the admin of its practice, or an unknown id.</summary>
    public async Task<bool> HandleAsync(Guid id, CancellationToken cancellationToken = default)
    {
        if (!db.Viewer.Has(StaffRoles.PracticeAdmin))
        {
            return false;
        }

        var referral = await db.MatchReferrals.FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (referral is null)
        {
            return false;
        }

        db.MatchReferrals.Remove(referral);
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }
}
