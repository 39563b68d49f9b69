using System.Net.Mail;
using Rapport.Access;
using Rapport.Persistence;
using Rapport.Practices;
using Rapport.Audit;

namespace Rapport.Administration;

/// <summary>
/// The practice's crisis help (shown to a client at once after a risk answer) and its on-call contact (told, with the
/// supervisors, when a risk alert waits too long). Set by a practice admin: the right words depend on local services.
/// </summary>
[Audits(AuditedAs.Writes)]
public sealed class UpdateCrisisHelp(RapportDb db)
{
    public sealed class Form
    {
        public string? CrisisText { get; set; }
        public string? OnCallEmail { get; set; }
    }

    public async Task<Form?> LoadAsync(CancellationToken cancellationToken = default)
    {
        var practice = await db.AdministeredPracticeAsync(cancellationToken);
        return practice is null ? null : new Form { CrisisText = practice.CrisisText, OnCallEmail = practice.OnCallEmail };
    }

    public async Task<Outcome<Form>> HandleAsync(Form form, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(form);
        var practice = await db.AdministeredPracticeAsync(cancellationToken);
        if (practice is null)
        {
            return Outcome<Form>.Missing();
        }

        var errors = new Dictionary<string, string>();
        var text = form.CrisisText?.Trim() ?? string.Empty;
        if (text.Length == 0)
        {
            errors[nameof(Form.CrisisText)] = "Enter what a client in danger should do now.";
        }
        else if (text.Length > 1000)
        {
            errors[nameof(Form.CrisisText)] = "Keep it to 1000 characters.";
        }

        var email = string.IsNullOrWhiteSpace(form.OnCallEmail) ? null : form.OnCallEmail.Trim();
        if (email is not null && (email.Length > 256 || !MailAddress.TryCreate(email, out _)))
        {
            errors[nameof(Form.OnCallEmail)] = "Enter a valid email address, or leave it empty.";
        }

        if (errors.Count > 0)
        {
            return Outcome<Form>.Invalid(errors);
        }

        practice.CrisisText = text;
        practice.OnCallEmail = email;
        await db.SaveChangesAsync(cancellationToken);
        return Outcome<Form>.Ok(new Form { CrisisText = text, OnCallEmail = email });
    }
}
