using Microsoft.EntityFrameworkCore;
using Rapport.Access;
using Rapport.Persistence;
using Rapport.Audit;

namespace Rapport.Reminders;

/// <summary>The client turns emailed check-in reminders on or off for themself (their own record only).</summary>
[Audits(AuditedAs.Writes)]
public sealed class ChangeReminders(RapportDb db)
{
    /// <summary>Whether the signed-in client gets reminders; null when the viewer is not a client.</summary>
    public async Task<bool?> IsOnAsync(CancellationToken cancellationToken = default) =>
        db.Viewer.ClientId is { } clientId
            ? await db.Clients.Where(c => c.Id == clientId).Select(c => (bool?)!c.RemindersOff).FirstOrDefaultAsync(cancellationToken)
            : null;

    public async Task<Outcome<bool>> HandleAsync(bool on, CancellationToken cancellationToken = default)
    {
        if (db.Viewer.ClientId is not { } clientId)
        {
            return Outcome<bool>.Missing();
        }

        var client = await db.Clients.FirstOrDefaultAsync(c => c.Id == clientId, cancellationToken);
        if (client is null)
        {
            return Outcome<bool>.Missing();
        }

        if (client.RemindersOff == on)
        {
            client.RemindersOff = !on;
            await db.SaveChangesAsync(cancellationToken);
        }

        return Outcome<bool>.Ok(on);
    }
}
