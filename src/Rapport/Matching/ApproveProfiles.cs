using Microsoft.EntityFrameworkCore;
using Rapport.Access;
using Rapport.Audit;
using Rapport.Persistence;
using Rapport.Staff;

namespace Rapport.Matching;

/// <summary>
/// The practice admin approves a therapist's profile (it becomes the public version) or asks for changes with a
/// reason (the approved version, if any, stays public). Only the admin's own practice's profiles are found.
/// </summary>
[Audits(AuditedAs.Writes)]
public sealed class ApproveProfiles(RapportDb db, TimeProvider clock)
{
    public const int MaxReason = 1000;

    public sealed record Row(Guid Id, string TherapistName, ProfileStatus Status, ProfileContent Draft, ProfileContent? Public, string? ChangesReason, Guid Version);

    public async Task<IReadOnlyList<Row>> AllAsync(CancellationToken cancellationToken = default)
    {
        if (!IsAdmin())
        {
            return [];
        }

        var profiles = await db.TherapistProfiles.AsNoTracking().OrderBy(p => p.Status).ThenBy(p => p.SubmittedAt).ToListAsync(cancellationToken);
        var names = await db.StaffMembers.AsNoTracking().ToDictionaryAsync(s => s.Id, s => s.DisplayName, cancellationToken);
        return [.. profiles.Select(p => new Row(p.Id, names.GetValueOrDefault(p.StaffMemberId, "A former therapist"), p.Status, p.Draft(), p.Published(), p.ChangesReason, p.Version))];
    }

    /// <summary>Makes the waiting draft the public version.</summary>
    public Task<Outcome<ProfileStatus>> ApproveAsync(Guid id, Guid version, CancellationToken cancellationToken = default) =>
        DecideAsync(id, version, approve: true, reason: null, cancellationToken);

    /// <summary>Sends the draft back with a reason; the approved version, if any, stays public.</summary>
    public Task<Outcome<ProfileStatus>> RequestChangesAsync(Guid id, Guid version, string? reason, CancellationToken cancellationToken = default) =>
        DecideAsync(id, version, approve: false, reason, cancellationToken);

    private async Task<Outcome<ProfileStatus>> DecideAsync(Guid id, Guid version, bool approve, string? reason, CancellationToken cancellationToken)
    {
        if (!IsAdmin())
        {
            return Outcome<ProfileStatus>.Missing();
        }

        reason = reason?.Trim();
        if (!approve && string.IsNullOrEmpty(reason))
        {
            return Outcome<ProfileStatus>.Invalid("Reason", "Say what should change, so the therapist knows.");
        }

        if (reason?.Length > MaxReason)
        {
            return Outcome<ProfileStatus>.Invalid("Reason", $"Keep the reason to {MaxReason} characters.");
        }

        var profile = await db.TherapistProfiles.FirstOrDefaultAsync(p => p.Id == id, cancellationToken);
        if (profile is null)
        {
            return Outcome<ProfileStatus>.Missing();
        }

        if (profile.Version != version || profile.Status != ProfileStatus.AwaitingApproval)
        {
            return Outcome<ProfileStatus>.Conflict("Version", "The therapist changed this profile since you opened it (or it was decided); nothing was changed. Look at it again.");
        }

        db.Entry(profile).Property(p => p.Version).OriginalValue = version;
        if (approve)
        {
            profile.PublishedJson = profile.DraftJson;
            profile.PublishedAt = clock.GetUtcNow().UtcDateTime;
            profile.Status = ProfileStatus.Approved;
            profile.ChangesReason = null;
        }
        else
        {
            profile.Status = ProfileStatus.ChangesRequested;
            profile.ChangesReason = reason;
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Outcome<ProfileStatus>.Conflict("Version", "The therapist changed this profile while you were deciding; nothing was changed.");
        }

        return Outcome<ProfileStatus>.Ok(profile.Status);
    }

    private bool IsAdmin() => db.Viewer.PracticeId is not null && db.Viewer.Has(StaffRoles.PracticeAdmin);
}
