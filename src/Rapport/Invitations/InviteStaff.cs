using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Rapport.Access;
using Rapport.Email;
using Rapport.Persistence;
using Rapport.Staff;
using Rapport.Audit;

namespace Rapport.Invitations;

/// <summary>A practice admin invites a therapist, supervisor or admin by email.</summary>
[Audits(AuditedAs.Writes)]
public sealed class InviteStaff(RapportDb db, IMailer mailer, TimeProvider clock)
{
    public sealed class Form
    {
        [Required(ErrorMessage = "Enter the person's name.")]
        [StringLength(200, ErrorMessage = "Use at most 200 characters.")]
        public string DisplayName { get; set; } = "";

        [Required(ErrorMessage = "Enter an email address.")]
        [EmailAddress(ErrorMessage = "Enter a valid email address, like name@example.org.")]
        [StringLength(256)]
        public string Email { get; set; } = "";

        public bool Therapist { get; set; } = true;
        public bool Supervisor { get; set; }
        public bool PracticeAdmin { get; set; }
    }

    public async Task<Outcome<InvitationSent>> HandleAsync(Form form, string acceptUrlBase, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(form);
        var viewer = db.Viewer;
        if (!viewer.Has(StaffRoles.PracticeAdmin) || viewer.PracticeId is not { } practiceId || viewer.UserId is null)
        {
            return Outcome<InvitationSent>.Missing();
        }

        var errors = FormValidation.Validate(form);
        var roles = (form.Therapist ? StaffRoles.Therapist : 0) | (form.Supervisor ? StaffRoles.Supervisor : 0) | (form.PracticeAdmin ? StaffRoles.PracticeAdmin : 0);
        if (roles == StaffRoles.None)
        {
            errors[nameof(Form.Therapist)] = "Choose at least one role.";
        }

        var email = form.Email.Trim().ToLowerInvariant();
        if (errors.Count == 0 && await db.StaffMembers.AnyAsync(s => s.Email == email, cancellationToken))
        {
            errors[nameof(Form.Email)] = "Someone at this practice already uses that email address.";
        }

        if (errors.Count > 0)
        {
            return Outcome<InvitationSent>.Invalid(errors);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var staff = new StaffMember
        {
            PracticeId = practiceId,
            DisplayName = form.DisplayName.Trim(),
            Email = email,
            Roles = roles,
            CreatedAt = now,
        };
        var (token, hash) = InvitationTokens.Create();
        var invitation = new Invitation
        {
            PracticeId = practiceId,
            Kind = InvitationKind.Staff,
            Email = email,
            TokenHash = hash,
            StaffMemberId = staff.Id,
            Roles = roles,
            InvitedByUserId = viewer.UserId,
            CreatedAt = now,
            ExpiresAt = now + InvitationTokens.Lifetime,
        };
        db.StaffMembers.Add(staff);
        db.Invitations.Add(invitation);
        return await InvitationMail.SaveAndSendAsync(db, mailer, invitation, token, acceptUrlBase, staff.DisplayName, "You are invited to Rapport",
            "You have been invited to join your practice on Rapport.",
            "A practice has invited you to join it on Rapport as a member of staff.", cancellationToken);
    }
}

internal static class FormValidation
{
    public static Dictionary<string, string> Validate(object form)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(form, new ValidationContext(form), results, validateAllProperties: true);
        var errors = new Dictionary<string, string>();
        foreach (var result in results)
        {
            foreach (var member in result.MemberNames)
            {
                errors.TryAdd(member, result.ErrorMessage ?? "This value is not valid.");
            }
        }

        return errors;
    }
}
