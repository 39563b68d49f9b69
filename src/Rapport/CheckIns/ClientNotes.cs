using Microsoft.EntityFrameworkCore;
using Rapport.Persistence;
using Rapport.Audit;

namespace Rapport.CheckIns;

/// <summary>What a client has told their care team in check-ins, and their risk alerts, for the client record.</summary>
[Audits(AuditedAs.PartOfClientRecord)]
public sealed class GetClientNotes(RapportDb db)
{
    public sealed record Note(Guid Id, string Text, DateTime WrittenAt, bool Read);

    public sealed record Alert(string InstrumentId, string Item, string AnswerLabel, DateTime RaisedAt, DateTime? AcknowledgedAt, string? AcknowledgedBy);

    public sealed record View(IReadOnlyList<Note> Notes, IReadOnlyList<Alert> Alerts);

    public async Task<View> HandleAsync(Guid clientId, CancellationToken cancellationToken = default)
    {
        if (!db.Viewer.IsStaff)
        {
            return new View([], []);
        }

        // The relationship filters return only notes and alerts of episodes the viewer is on (or supervises).
        var notes = await db.ClientNotes.AsNoTracking().Where(n => n.ClientId == clientId)
            .OrderByDescending(n => n.WrittenAt)
            .Select(n => new Note(n.Id, n.Text, n.WrittenAt, n.ReadAt != null))
            .ToListAsync(cancellationToken);
        var alerts = await db.RiskAlerts.AsNoTracking().Where(a => a.ClientId == clientId)
            .OrderByDescending(a => a.RaisedAt)
            .Select(a => new Alert(a.InstrumentId, a.Item, a.AnswerLabel, a.RaisedAt, a.AcknowledgedAt, a.AcknowledgedByName))
            .ToListAsync(cancellationToken);
        return new View(notes, alerts);
    }
}

/// <summary>The therapist has read the client's notes: they leave the dashboard.</summary>
[Audits(AuditedAs.Writes)]
public sealed class MarkClientNotesRead(RapportDb db, TimeProvider clock)
{
    public async Task<int> HandleAsync(Guid clientId, CancellationToken cancellationToken = default)
    {
        if (!db.Viewer.IsStaff)
        {
            return 0;
        }

        var unread = await db.ClientNotes.Where(n => n.ClientId == clientId && n.ReadAt == null).ToListAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var note in unread)
        {
            note.ReadAt = now;
        }

        await db.SaveChangesAsync(cancellationToken);
        return unread.Count;
    }
}
