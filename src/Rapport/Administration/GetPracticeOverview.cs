using Microsoft.EntityFrameworkCore;
using Rapport.Invitations;
using Rapport.Persistence;
using Rapport.Staff;
using Rapport.Audit;

namespace Rapport.Administration;

/// <summary>What a practice admin manages: staff, client accounts, invitations. No clinical answers or free text.</summary>
[NotAudited("Accounts only (names, emails, roles, invitations), no clinical data; the admin's changes are audited writes")]
public sealed class GetPracticeOverview(RapportDb db, TimeProvider clock)
{
    public sealed record View(
        string PracticeName,
        IReadOnlyList<StaffRow> Staff,
        IReadOnlyList<ClientRow> Clients,
        IReadOnlyList<InvitationRow> Invitations);

    public sealed record StaffRow(Guid Id, string DisplayName, string Email, StaffRoles Roles, bool HasSignIn, bool Active);

    public sealed record ClientRow(Guid Id, string DisplayName, string? Email, bool HasSignIn);

    public sealed record InvitationRow(string Email, InvitationKind Kind, DateTime CreatedAt, DateTime ExpiresAt, DateTime? AcceptedAt, bool Expired);

    public async Task<View?> HandleAsync(CancellationToken cancellationToken = default)
    {
        var viewer = db.Viewer;
        if (!viewer.Has(StaffRoles.PracticeAdmin) || viewer.PracticeId is not { } practiceId)
        {
            return null;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var practice = await db.Practices.AsNoTracking().Where(p => p.Id == practiceId).Select(p => p.Name).FirstAsync(cancellationToken);
        var staffWithSignIn = db.Users.Where(u => u.PracticeId == practiceId && u.StaffMemberId != null).Select(u => u.StaffMemberId);
        var clientsWithSignIn = db.Users.Where(u => u.PracticeId == practiceId && u.ClientId != null).Select(u => u.ClientId);
        var staff = await db.StaffMembers.AsNoTracking().OrderBy(s => s.DisplayName)
            .Select(s => new StaffRow(s.Id, s.DisplayName, s.Email, s.Roles, staffWithSignIn.Contains(s.Id), s.Active))
            .ToListAsync(cancellationToken);
        var clients = await db.Clients.AsNoTracking().OrderBy(c => c.DisplayName)
            .Select(c => new ClientRow(c.Id, c.DisplayName, c.Email, clientsWithSignIn.Contains(c.Id)))
            .ToListAsync(cancellationToken);
        var invitations = await db.Invitations.AsNoTracking().OrderByDescending(i => i.CreatedAt).Take(100)
            .Select(i => new InvitationRow(i.Email, i.Kind, i.CreatedAt, i.ExpiresAt, i.AcceptedAt, i.AcceptedAt == null && i.ExpiresAt <= now))
            .ToListAsync(cancellationToken);
        return new View(practice, staff, clients, invitations);
    }
}
