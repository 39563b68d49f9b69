using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Rapport.Email;
using Rapport.Persistence;
using Rapport.Practices;
using Rapport.Audit;

namespace Rapport.Alerts;

/// <summary>
/// A risk alert nobody has acknowledged within a day is escalated once: its care team's supervisors and the practice's
/// on-call contact get an email. The email carries no clinical content and no client name (email is not a safe place
/// for either); it says an alert is waiting and whose caseload it is on.
/// </summary>
[NotAudited("Runs as the system viewer (decision 0007) and mails a notice without clinical content")]
public sealed class EscalateRiskAlerts(RapportDb db, IMailer mailer, TimeProvider clock)
{
    public static readonly TimeSpan After = TimeSpan.FromHours(24);

    /// <returns>How many alerts were escalated.</returns>
    public async Task<int> HandleAsync(CancellationToken cancellationToken = default)
    {
        if (!db.Viewer.IsSystem)
        {
            throw new InvalidOperationException("Escalation is background work: it runs as the system, across care teams.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var cutoff = now - After;
        var waiting = await db.RiskAlerts
            .Where(a => a.AcknowledgedAt == null && a.EscalatedAt == null && a.RaisedAt <= cutoff)
            .ToListAsync(cancellationToken);
        foreach (var alert in waiting)
        {
            var team = await db.EpisodeTherapists.Where(t => t.EpisodeId == alert.EpisodeId)
                .Select(t => new { t.StaffMemberId, t.StaffMember!.DisplayName })
                .ToListAsync(cancellationToken);
            var teamIds = team.Select(t => t.StaffMemberId).ToList();
            var supervisors = await db.Supervisions.Where(s => teamIds.Contains(s.SuperviseeId))
                .Select(s => s.Supervisor!.Email)
                .Distinct()
                .ToListAsync(cancellationToken);
            var onCall = await db.Practices.Where(p => p.Id == alert.PracticeId).Select(p => p.OnCallEmail).FirstOrDefaultAsync(cancellationToken);
            var recipients = supervisors.Append(onCall).OfType<string>().Where(e => e.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            var therapists = string.Join(" and ", team.Select(t => t.DisplayName));
            foreach (var to in recipients)
            {
                await mailer.SendAsync(new OutgoingMail(
                    to,
                    "A risk alert in Rapport has waited more than a day",
                    $"A risk alert raised on {alert.RaisedAt.ToString("d MMM yyyy 'at' HH:mm 'UTC'", CultureInfo.InvariantCulture)} for a client of {therapists} "
                    + "has not been acknowledged for more than 24 hours.\n\nPlease sign in to Rapport to see it and make sure someone is acting on it. "
                    + "For privacy this email carries no client details."), cancellationToken);
            }

            alert.EscalatedAt = now;
        }

        await db.SaveChangesAsync(cancellationToken);
        return waiting.Count;
    }
}
