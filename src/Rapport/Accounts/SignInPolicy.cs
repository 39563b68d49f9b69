using Rapport.Audit;
using Microsoft.EntityFrameworkCore;
using Rapport.Persistence;

namespace Rapport.Accounts;

/// <summary>
/// A practice's sign-in policy, read while a person signs in or on each staff request: how long they may be idle
/// (HIPAA 164.312(a)(2)(iii) automatic logoff) and whether staff must have a second factor (164.312(d)). These two
/// settings are read past the query filters on purpose: at sign-in the viewer is not established yet, and a practice's
/// policy is no clinical data. Nothing else about the practice is read here.
/// </summary>
[NotAudited("reads a practice's sign-in settings (idle minutes, second factor) for the sign-in itself; no clinical data")]
public sealed class SignInPolicy(RapportDb db)
{
    /// <summary>Used when a practice has no idle time set.</summary>
    public const int DefaultIdleMinutes = 15;

    /// <summary>Minutes of inactivity after which the sign-in of a staff member (or a client) of this practice ends.</summary>
    public async Task<int> IdleMinutesAsync(Guid practiceId, bool staff, CancellationToken cancellationToken = default)
    {
        var minutes = await db.Practices.IgnoreQueryFilters()
            .Where(p => p.Id == practiceId)
            .Select(p => staff ? p.StaffIdleMinutes : p.ClientIdleMinutes)
            .FirstOrDefaultAsync(cancellationToken);
        return minutes > 0 ? minutes : DefaultIdleMinutes;
    }

    /// <summary>Whether this signed-in user must set up a second factor before anything else: their practice requires it and they have none.</summary>
    public Task<bool> SecondFactorMissingAsync(string userId, CancellationToken cancellationToken = default) =>
        db.Users
            .Where(u => u.Id == userId && !u.TwoFactorEnabled)
            .AnyAsync(u => db.Practices.IgnoreQueryFilters().Any(p => p.Id == u.PracticeId && p.RequireStaffSecondFactor), cancellationToken);
}
