using Microsoft.EntityFrameworkCore;
using Rapport.Audit;
using Rapport.Persistence;

namespace Rapport.Matching;

/// <summary>One therapist's public profile page: the version the practice admin approved, never a draft.</summary>
[NotAudited("Public: the approved profile its therapist wrote for publication; no client data")]
public sealed class GetPublicProfile(RapportDb db)
{
    public sealed record View(string PracticeName, string Slug, Guid ProfileId, string Name, ProfileContent Profile);

    /// <summary>The approved profile, or null (unknown practice, another practice's profile, never approved, therapist inactive).</summary>
    public async Task<View?> HandleAsync(string slug, Guid profileId, CancellationToken cancellationToken = default)
    {
        var practice = await db.Practices.AsNoTracking().Where(p => p.Slug == slug).Select(p => new { p.Id, p.Name, p.Slug }).FirstOrDefaultAsync(cancellationToken);
        if (practice is null)
        {
            return null;
        }

        var row = await db.ApprovedProfilesOf(practice.Id).AsNoTracking().Where(p => p.Id == profileId)
            .Select(p => new { p.StaffMemberId, p.PublishedJson }).FirstOrDefaultAsync(cancellationToken);
        if (row is null)
        {
            return null;
        }

        var name = await db.StaffMembers.IgnoreQueryFilters().AsNoTracking().Where(s => s.Id == row.StaffMemberId).Select(s => s.DisplayName).FirstAsync(cancellationToken);
        var content = System.Text.Json.JsonSerializer.Deserialize<ProfileContent>(row.PublishedJson!, TherapistProfile.Json)!;
        return new View(practice.Name, practice.Slug, profileId, name, content);
    }

    /// <summary>Every approved profile of the practice, for the practice's list of therapists.</summary>
    public async Task<IReadOnlyList<View>> AllAsync(string slug, CancellationToken cancellationToken = default)
    {
        var practice = await db.Practices.AsNoTracking().Where(p => p.Slug == slug).Select(p => new { p.Id, p.Name, p.Slug }).FirstOrDefaultAsync(cancellationToken);
        if (practice is null)
        {
            return [];
        }

        var rows = await db.ApprovedProfilesOf(practice.Id).AsNoTracking().Select(p => new { p.Id, p.StaffMemberId, p.PublishedJson }).ToListAsync(cancellationToken);
        var ids = rows.Select(r => r.StaffMemberId).ToList();
        var names = await db.StaffMembers.IgnoreQueryFilters().AsNoTracking().Where(s => ids.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.DisplayName, cancellationToken);
        return [.. rows.Select(r => new View(practice.Name, practice.Slug, r.Id, names[r.StaffMemberId],
            System.Text.Json.JsonSerializer.Deserialize<ProfileContent>(r.PublishedJson!, TherapistProfile.Json)!)).OrderBy(v => v.Name, StringComparer.Ordinal)];
    }
}
