using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Rapport.Access;
using Rapport.Audit;
using Rapport.Persistence;
using Rapport.Staff;

namespace Rapport.Matching;

/// <summary>
/// A therapist writes their own public profile and sends it to the practice admin for approval. Sending again (an edit)
/// puts the new draft up for approval while the approved version, if any, stays public.
/// </summary>
[Audits(AuditedAs.Writes)]
public sealed class EditMyProfile(RapportDb db, TimeProvider clock)
{
    public sealed record View(ProfileForm Form, ProfileStatus? Status, string? ChangesReason, bool IsPublic, Guid? ProfileId, Guid? Version);

    /// <summary>The viewer's own profile, or an empty form; null for anyone but a therapist.</summary>
    public async Task<View?> MineAsync(CancellationToken cancellationToken = default)
    {
        if (!IsTherapist(out var me))
        {
            return null;
        }

        var profile = await db.TherapistProfiles.AsNoTracking().FirstOrDefaultAsync(p => p.StaffMemberId == me, cancellationToken);
        return profile is null
            ? new View(new ProfileForm { AcceptingNewClients = true }, null, null, false, null, null)
            : new View(ProfileForm.From(profile.Draft()), profile.Status, profile.ChangesReason, profile.PublishedAt != null, profile.Id, profile.Version);
    }

    /// <summary>Validates and sends the profile for approval. A stale <paramref name="version"/> is a conflict and saves nothing.</summary>
    public async Task<Outcome<ProfileStatus>> SendAsync(ProfileForm form, Guid? version, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(form);
        if (!IsTherapist(out var me))
        {
            return Outcome<ProfileStatus>.Missing();
        }

        var content = form.Validate();
        if (!content.Succeeded)
        {
            return content.Map(_ => ProfileStatus.AwaitingApproval);
        }

        var json = JsonSerializer.Serialize(content.Value, TherapistProfile.Json);
        var now = clock.GetUtcNow().UtcDateTime;
        var profile = await db.TherapistProfiles.FirstOrDefaultAsync(p => p.StaffMemberId == me, cancellationToken);
        if (profile is null)
        {
            db.TherapistProfiles.Add(new TherapistProfile
            {
                PracticeId = db.Viewer.PracticeId!.Value,
                StaffMemberId = me,
                DraftJson = json,
                Status = ProfileStatus.AwaitingApproval,
                SubmittedAt = now,
            });
        }
        else
        {
            if (version is { } v && v != profile.Version)
            {
                return Outcome<ProfileStatus>.Conflict("Version", "Your profile changed since you opened it (the practice admin may have decided on it); nothing was saved. Open it again.");
            }

            db.Entry(profile).Property(p => p.Version).OriginalValue = version ?? profile.Version;
            profile.DraftJson = json;
            profile.Status = ProfileStatus.AwaitingApproval;
            profile.ChangesReason = null;
            profile.SubmittedAt = now;
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Outcome<ProfileStatus>.Conflict("Version", "Your profile changed while you were saving; nothing was saved. Open it again.");
        }
        catch (DbUpdateException)
        {
            // Two first sends at once: the unique index keeps one profile per therapist.
            return Outcome<ProfileStatus>.Conflict("Version", "Your profile was just created in another window; nothing was saved here. Open it again.");
        }

        return Outcome<ProfileStatus>.Ok(ProfileStatus.AwaitingApproval);
    }

    private bool IsTherapist(out Guid me)
    {
        me = db.Viewer.StaffMemberId ?? Guid.Empty;
        return db.Viewer.StaffMemberId is not null && db.Viewer.PracticeId is not null && db.Viewer.Has(StaffRoles.Therapist);
    }
}
