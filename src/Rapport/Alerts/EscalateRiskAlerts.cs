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
/// for either); it says an alert is waiting and whose caseload it is on. Each alert is claimed (<see cref="Jobs.JobLease"/>)
/// before its mail goes, so app instances running this at once send it once.
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
            .Where(a => a.AcknowledgedAt == null && a.EscalatedAt == null && a.RaisedAt <= cutoff && (a.LeaseExpiresAt == null || a.LeaseExpiresAt < now))
            .Select(a => a.Id)
            .ToListAsync(cancellationToken);
        var owner = Jobs.JobLease.NewOwner();
        var escalated = 0;
        foreach (var id in waiting)
        {
            // Claimed before any mail goes: of two instances in the same round, exactly one wins each alert. The claim
            // itself re-checks "not acknowledged, not escalated", so an alert finished a moment ago is not taken again.
            var due = db.RiskAlerts.Where(a => a.AcknowledgedAt == null && a.EscalatedAt == null);
            if (!await Jobs.JobLease.TryClaimAsync(due, id, owner, now, Lease, cancellationToken))
            {
                continue;
            }

            try
            {
                await EscalateAsync(id, owner, now, cancellationToken);
                escalated++;
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                // Released so the next round (on any instance) tries again: a missed escalation is worse than a repeated one.
                await Jobs.JobLease.ReleaseAsync(db.RiskAlerts, id, owner, CancellationToken.None);
                throw;
            }
        }

        return escalated;
    }

    /// <summary>How long an instance holds an alert while it mails; after a crash another instance escalates it.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    private async Task EscalateAsync(Guid id, string owner, DateTime now, CancellationToken cancellationToken)
    {
        var alert = await db.RiskAlerts.FirstAsync(a => a.Id == id, cancellationToken);
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

        // Through the tracked entity, so the change is audited as before; the lease goes with it.
        alert.EscalatedAt = now;
        alert.LeaseOwner = null;
        alert.LeaseExpiresAt = null;
        await db.SaveChangesAsync(cancellationToken);
    }
}
