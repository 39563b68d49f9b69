using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Rapport.Audit;
using Rapport.Clinical.Matching;
using Rapport.Persistence;
using Rapport.Staff;

namespace Rapport.Matching;

/// <summary>
/// The referrals from matching, for the practice admin (all of them) and each chosen therapist (their own), by the query
/// filter. A prospective client is not yet a client, so each referral shown gets a Read entry naming the referral.
/// </summary>
[Audits(AuditedAs.ClientReads)]
public sealed class GetReferrals(RapportDb db)
{
    public sealed record Row(Guid Id, DateTime CreatedAt, string Name, string Contact, string Therapist, IReadOnlyList<string> Concerns, string ConcernsInTheirWords, string Preferences, string ConsentWording, DateTime ConsentedAt);

    public async Task<IReadOnlyList<Row>> HandleAsync(CancellationToken cancellationToken = default)
    {
        if (db.Viewer.StaffMemberId is null || db.Viewer.PracticeId is not { } practiceId || !(db.Viewer.Has(StaffRoles.PracticeAdmin) || db.Viewer.Has(StaffRoles.Therapist)))
        {
            return [];
        }

        var referrals = await db.MatchReferrals.AsNoTracking().OrderByDescending(r => r.CreatedAt).Take(200).ToListAsync(cancellationToken);
        var names = await db.StaffMembers.AsNoTracking().ToDictionaryAsync(s => s.Id, s => s.DisplayName, cancellationToken);
        foreach (var r in referrals)
        {
            await db.AddAuditEntryAsync(AuditAction.Read, nameof(MatchReferral), r.Id.ToString(), practiceId, null, null, cancellationToken);
        }

        if (referrals.Count > 0)
        {
            await db.SaveChangesAsync(cancellationToken);
        }

        return [.. referrals.Select(r => new Row(
            r.Id, r.CreatedAt, r.Name, r.Contact, names.GetValueOrDefault(r.StaffMemberId, "A former therapist"),
            [.. r.ConcernIds.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(id => Concerns.Find(id)?.Label ?? id)],
            r.ConcernsInTheirWords, Preferences(r.IntakeJson), r.ConsentWording, r.ConsentedAt))];
    }

    private static string Preferences(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var parts = new List<string>();
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            var text = p.Value.ValueKind switch
            {
                JsonValueKind.Null => null,
                JsonValueKind.Array => p.Value.GetArrayLength() == 0 ? null : string.Join(", ", p.Value.EnumerateArray().Select(v => v.ToString())),
                JsonValueKind.Object => string.Join(", ", p.Value.EnumerateObject().Select(o => $"{o.Name}: {o.Value}")),
                JsonValueKind.False => null,
                _ => p.Value.ToString(),
            };
            if (!string.IsNullOrEmpty(text))
            {
                parts.Add($"{p.Name}: {text}");
            }
        }

        return string.Join("; ", parts);
    }
}
