using Microsoft.EntityFrameworkCore;
using Rapport.Access;
using Rapport.Audit;
using Rapport.Email;
using Rapport.Persistence;
using Rapport.Staff;

namespace Rapport.BreakGlass;

/// <summary>
/// A practice admin opens a client's clinical record in an emergency: only with a written reason, for
/// <see cref="Duration"/>, recorded as a break-glass entry in the audit trail in the same transaction as the grant,
/// and every treating therapist is emailed (no clinical content, no client name: only a link).
/// </summary>
[Audits(AuditedAs.Writes)]
public sealed class OpenBreakGlass(RapportDb db, IMailer mailer, TimeProvider clock)
{
    /// <summary>What the admin is told: the grant, not the row (its reason stays in the audit trail).</summary>
    public sealed record Opened(Guid Id, Guid ClientId, DateTime ExpiresAt);

    public static readonly TimeSpan Duration = TimeSpan.FromMinutes(60);
    public const int MinimumReasonLength = 20;
    public const int MaximumReasonLength = 1000;

    /// <summary>Whether the viewer is an admin of the practice this client belongs to (so the form is worth showing).</summary>
    public async Task<bool> CanOpenAsync(Guid clientId, CancellationToken cancellationToken = default) =>
        db.Viewer.Has(StaffRoles.PracticeAdmin) && await db.Clients.AnyAsync(c => c.Id == clientId, cancellationToken);

    public async Task<Outcome<OpenBreakGlass.Opened>> HandleAsync(Guid clientId, string? reason, string recordUrl, CancellationToken cancellationToken = default)
    {
        var viewer = db.Viewer;
        if (!viewer.Has(StaffRoles.PracticeAdmin) || viewer.StaffMemberId is not { } staffId || viewer.PracticeId is not { } practiceId)
        {
            return Outcome<OpenBreakGlass.Opened>.Missing();
        }

        // The admin may see the client's account (not their care), so this also keeps other practices out.
        var client = await db.Clients.AsNoTracking().Where(c => c.Id == clientId).Select(c => new { c.Id, c.PracticeId }).FirstOrDefaultAsync(cancellationToken);
        if (client is null)
        {
            return Outcome<OpenBreakGlass.Opened>.Missing();
        }

        var cleaned = AuditContext.Clean(reason, MaximumReasonLength + 1);
        if (cleaned is null || cleaned.Length < MinimumReasonLength)
        {
            return Outcome<OpenBreakGlass.Opened>.Invalid("Reason", $"Say why you need emergency access, in at least {MinimumReasonLength} characters. The client's therapist will be told.");
        }

        if (cleaned.Length > MaximumReasonLength)
        {
            return Outcome<OpenBreakGlass.Opened>.Invalid("Reason", $"Use at most {MaximumReasonLength} characters.");
        }

        var now = AuditHash.Truncate(clock.GetUtcNow());
        var grant = new BreakGlassGrant
        {
            PracticeId = practiceId,
            StaffMemberId = staffId,
            ClientId = client.Id,
            Reason = cleaned,
            GrantedAt = now,
            ExpiresAt = now + Duration,
        };
        db.BreakGlassGrants.Add(grant);
        await db.AddAuditEntryAsync(AuditAction.BreakGlass, "Client", client.Id.ToString(), practiceId, client.Id, cleaned, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);

        var therapists = await db.EpisodeMembers.IgnoreQueryFilters()
            .Where(m => m.ClientId == client.Id && m.Episode!.PracticeId == practiceId)
            .SelectMany(m => m.Episode!.CareTeam.Select(t => t.StaffMember!.Email))
            .Distinct()
            .ToListAsync(cancellationToken);
        foreach (var email in therapists)
        {
            await mailer.SendAsync(new OutgoingMail(email, "Emergency access to a client's record",
                $"A practice administrator has opened emergency (break-glass) access to the record of one of your clients, " +
                $"for {Duration.TotalMinutes:0} minutes. The reason they gave is in the audit trail.\n\nThe record: {recordUrl}\n\n" +
                "If you did not expect this, speak to your practice's privacy lead."), cancellationToken);
        }

        return Outcome<Opened>.Ok(new Opened(grant.Id, grant.ClientId, grant.ExpiresAt));
    }
}
