using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Rapport.Access;
using Rapport.Accounts;
using Rapport.Persistence;
using Rapport.Audit;

namespace Rapport.Invitations;

/// <summary>The invited person chooses a password; the account is created and linked to their staff or client record.</summary>
[Audits(AuditedAs.Writes)]
public sealed class AcceptInvitation(RapportDb db, UserManager<RapportUser> users, TimeProvider clock)
{
    /// <summary>The sign-in that now exists; the person signs in with it on the next page.</summary>
    public sealed record Accepted(string UserId, Guid PracticeId, Guid? StaffMemberId, Guid? ClientId);

    public sealed class Form
    {
        [Required]
        public string Token { get; set; } = "";

        [Required(ErrorMessage = "Choose a password.")]
        public string Password { get; set; } = "";

        [Required(ErrorMessage = "Type the password again.")]
        [Compare(nameof(Password), ErrorMessage = "The two passwords do not match.")]
        public string ConfirmPassword { get; set; } = "";
    }

    /// <summary>Finds a usable invitation for a token. Runs before sign-in, so it looks across practices by the token's hash alone.</summary>
    public async Task<Invitation?> FindAsync(string? token, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > 200)
        {
            return null;
        }

        var hash = InvitationTokens.Hash(token);
        var now = clock.GetUtcNow().UtcDateTime;
        return await db.Invitations.IgnoreQueryFilters()
            .FirstOrDefaultAsync(i => i.TokenHash == hash && i.AcceptedAt == null && i.ExpiresAt > now, cancellationToken);
    }

    public async Task<Outcome<AcceptInvitation.Accepted>> HandleAsync(Form form, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(form);
        var invitation = await FindAsync(form.Token, cancellationToken);
        if (invitation is null)
        {
            return Outcome<AcceptInvitation.Accepted>.Missing();
        }

        var errors = FormValidation.Validate(form);
        if (errors.Count > 0)
        {
            return Outcome<AcceptInvitation.Accepted>.Invalid(errors);
        }

        // One transaction: the account, the link and the used invitation are saved together or not at all.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var user = new RapportUser
        {
            UserName = invitation.Email,
            Email = invitation.Email,
            EmailConfirmed = true,
            PracticeId = invitation.PracticeId,
            StaffMemberId = invitation.StaffMemberId,
            ClientId = invitation.ClientId,
        };
        var created = await users.CreateAsync(user, form.Password);
        if (!created.Succeeded)
        {
            await transaction.RollbackAsync(cancellationToken);
            return Outcome<AcceptInvitation.Accepted>.Invalid(new Dictionary<string, string>
            {
                [nameof(Form.Password)] = string.Join(" ", created.Errors.Select(e => e.Description)),
            });
        }

        invitation.AcceptedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return Outcome<Accepted>.Ok(new Accepted(user.Id, user.PracticeId, user.StaffMemberId, user.ClientId));
    }
}
