using Rapport.Staff;

namespace Rapport.Invitations;

public enum InvitationKind
{
    Staff,
    Client,
}

/// <summary>
/// An emailed link that lets a new staff member or client choose a password. Only the SHA-256 of the
/// token is stored, so a copy of the database cannot be used to accept someone else's invitation.
/// </summary>
public sealed class Invitation
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid PracticeId { get; init; }
    public InvitationKind Kind { get; init; }
    public required string Email { get; init; }
    public required string TokenHash { get; init; }
    public Guid? StaffMemberId { get; init; }
    public Guid? ClientId { get; init; }
    public Guid? EpisodeId { get; init; }
    public StaffRoles Roles { get; init; }
    public required string InvitedByUserId { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime ExpiresAt { get; init; }
    public DateTime? AcceptedAt { get; set; }
    public Guid Version { get; set; } = Guid.NewGuid();
}
