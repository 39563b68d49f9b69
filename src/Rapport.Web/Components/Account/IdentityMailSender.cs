using Microsoft.AspNetCore.Identity;
using Rapport.Accounts;
using Rapport.Email;

namespace Rapport.Web.Components.Account;

/// <summary>
/// Identity's account emails (confirmation, password reset) through Rapport's mailer: the outbox in Development, SMTP otherwise.
/// Every link is put on the configured site (<see cref="SiteLinks.Rebase"/>): Identity's API builds its confirmation link
/// from the request's Host, which a caller chooses.
/// </summary>
internal sealed class IdentityMailSender(IMailer mailer, SiteLinks site) : IEmailSender<RapportUser>
{
    public Task SendConfirmationLinkAsync(RapportUser user, string email, string confirmationLink) =>
        mailer.SendAsync(new OutgoingMail(email, "Confirm your email for Rapport", $"Confirm your email address by opening this link:\n\n{site.Rebase(Decode(confirmationLink))}\n"));

    public Task SendPasswordResetLinkAsync(RapportUser user, string email, string resetLink) =>
        mailer.SendAsync(new OutgoingMail(email, "Reset your Rapport password", $"Choose a new password by opening this link:\n\n{site.Rebase(Decode(resetLink))}\n\nIf you did not ask for this, you can ignore this email.\n"));

    public Task SendPasswordResetCodeAsync(RapportUser user, string email, string resetCode) =>
        mailer.SendAsync(new OutgoingMail(email, "Reset your Rapport password", $"Your password reset code is: {resetCode}\n"));

    // The template HTML-encodes links for an HTML body; ours is plain text.
    private static string Decode(string link) => System.Net.WebUtility.HtmlDecode(link);
}
