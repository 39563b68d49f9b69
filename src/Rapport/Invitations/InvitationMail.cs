using Rapport.Access;
using Rapport.Email;
using Rapport.Persistence;

namespace Rapport.Invitations;

/// <summary>
/// How an invitation reaches its address, for clients and staff alike: stored first, then a link for a new address, or
/// only a notice for one that already has a sign-in (the inviter is answered the same either way, so they learn nothing
/// about the person's care elsewhere). No clinical content in either email.
/// </summary>
internal static class InvitationMail
{
    /// <param name="name">The invitee's name for the greeting.</param>
    /// <param name="why">What the invitation is for, one sentence: the first line of the link's email.</param>
    /// <param name="noticeWhy">The same for the holder of an existing sign-in, who may be at another practice.</param>
    public static async Task<Outcome<InvitationSent>> SaveAndSendAsync(
        RapportDb db, IMailer mailer, Invitation invitation, string token, string acceptUrlBase, string name, string subject, string why,
        string noticeWhy, CancellationToken cancellationToken)
    {
        await db.SaveChangesAsync(cancellationToken);
        var mail = await ExistingSignIn.ExistsAsync(db, invitation.Email, cancellationToken)
            ? ExistingSignIn.Notice(invitation.Email, noticeWhy)
            : new OutgoingMail(invitation.Email, subject,
                $"Hello {name},\n\n{why}\nChoose your password here (the link works for {InvitationTokens.LifetimeInWords}):\n\n{acceptUrlBase}?token={token}\n");
        await mailer.SendAsync(mail, cancellationToken);
        return Outcome<InvitationSent>.Ok(InvitationSent.Of(invitation));
    }
}
