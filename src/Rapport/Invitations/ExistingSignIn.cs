using Microsoft.EntityFrameworkCore;
using Rapport.Email;
using Rapport.Persistence;

namespace Rapport.Invitations;

/// <summary>
/// An invitation to an address that already has a Rapport sign-in (here or at another practice). The inviter is answered
/// as for a new address; only the address's holder is told, by this notice, that an invitation came and how to proceed.
/// </summary>
internal static class ExistingSignIn
{
    public const string Subject = "An invitation to Rapport";

    // Sign-ins are unique across practices; the look-up is by Identity's normalised email (indexed).
    public static Task<bool> ExistsAsync(RapportDb db, string email, CancellationToken cancellationToken) =>
        db.Users.AnyAsync(u => u.NormalizedEmail == email.ToUpperInvariant(), cancellationToken);

    public static OutgoingMail Notice(string email, string what) => new(email, Subject,
        $"Hello,\n\n{what}\nThis email address already has a Rapport sign-in, and each sign-in belongs to one practice, so there is nothing to accept with it." +
        "\nIf you want to join, reply to the person who invited you and give them another email address to invite." +
        "\nIf you did not expect this, you can ignore this email; nothing about your existing account has been shared.\n");
}
