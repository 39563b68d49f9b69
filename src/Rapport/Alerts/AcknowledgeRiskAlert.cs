using Microsoft.EntityFrameworkCore;
using Rapport.Access;
using Rapport.Persistence;
using Rapport.Audit;

namespace Rapport.Alerts;

/// <summary>A therapist (or supervisor) on the care team says they have seen a risk alert and are acting on it; who and when is kept.</summary>
[Audits(AuditedAs.Writes)]
public sealed class AcknowledgeRiskAlert(RapportDb db, TimeProvider clock)
{
    public const string VersionField = "Version";

    /// <param name="expectedVersion">When given (an API caller's If-Match), the alert must still be at that version.</param>
    public async Task<Outcome<RiskAlert>> HandleAsync(Guid alertId, CancellationToken cancellationToken = default, Guid? expectedVersion = null)
    {
        if (db.Viewer.StaffMemberId is not { } staffId)
        {
            return Outcome<RiskAlert>.Missing();
        }

        // The relationship filter hides alerts of other care teams: they are "not found", not "forbidden".
        var alert = await db.RiskAlerts.FirstOrDefaultAsync(a => a.Id == alertId, cancellationToken);
        if (alert is null)
        {
            return Outcome<RiskAlert>.Missing();
        }

        if (expectedVersion is { } expected)
        {
            if (alert.Version != expected)
            {
                return Outcome<RiskAlert>.Conflict(VersionField, "The alert has changed since you read it.");
            }

            // Checked again by the save itself: a change in between fails the update instead of being overwritten.
            db.Entry(alert).Property(a => a.Version).OriginalValue = expected;
        }

        // The first acknowledgement stands: a second click must not rewrite who acted first.
        if (alert.AcknowledgedAt is null)
        {
            alert.AcknowledgedAt = clock.GetUtcNow().UtcDateTime;
            alert.AcknowledgedByStaffId = staffId;
            alert.AcknowledgedByName = await db.StaffMembers.Where(s => s.Id == staffId).Select(s => s.DisplayName).FirstAsync(cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
        }

        return Outcome<RiskAlert>.Ok(alert);
    }
}
