namespace Rapport.Invitations;

/// <summary>What inviting someone returns: who was invited to what, never the token or its hash.</summary>
public sealed record InvitationSent(Guid Id, string Email, InvitationKind Kind, Guid PracticeId, Guid? ClientId, Guid? StaffMemberId, DateTime ExpiresAt)
{
    internal static InvitationSent Of(Invitation invitation) =>
        new(invitation.Id, invitation.Email, invitation.Kind, invitation.PracticeId, invitation.ClientId, invitation.StaffMemberId, invitation.ExpiresAt);
}
