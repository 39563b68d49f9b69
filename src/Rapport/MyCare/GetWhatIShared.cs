using Microsoft.EntityFrameworkCore;
using Rapport.Audit;
using Rapport.Clients;
using Rapport.Goals;
using Rapport.Persistence;
using Rapport.Preferences;

namespace Rapport.MyCare;

/// <summary>
/// "What you have shared": the client's own notes, with whether their therapist has read each one (being heard is the
/// point), their goals and their preferences profile. Only their own: the filters and the explicit ClientId both say so.
/// </summary>
[Audits(AuditedAs.ClientReads)]
public sealed class GetWhatIShared(RapportDb db, GetPreferenceProfile preferences)
{
    public sealed record SharedNote(Guid Id, string Text, DateTime WrittenAt, DateTime? ReadAt);

    public sealed record View(IReadOnlyList<SharedNote> Notes, IReadOnlyList<GoalView> Goals, PreferenceView? Preferences, bool CanAddGoals);

    public async Task<View?> HandleAsync(CancellationToken cancellationToken = default)
    {
        if (db.Viewer.ClientId is not { } clientId)
        {
            return null;
        }

        var me = await db.Clients.AsNoTracking().Where(c => c.Id == clientId).Select(c => new { c.Id, c.PracticeId }).FirstOrDefaultAsync(cancellationToken);
        if (me is null)
        {
            return null;
        }

        var notes = await db.ClientNotes.AsNoTracking()
            .Where(n => n.ClientId == clientId)
            .OrderByDescending(n => n.WrittenAt)
            .Select(n => new SharedNote(n.Id, n.Text, n.WrittenAt, n.ReadAt))
            .ToListAsync(cancellationToken);
        var goals = await GoalQueries.Query(db, clientId, null).ToListAsync(cancellationToken);
        var profile = await preferences.HandleAsync(clientId, cancellationToken: cancellationToken);
        var current = await db.Episodes.AnyAsync(e => e.Status != Episodes.EpisodeStatus.Ended && e.Members.Any(m => m.ClientId == clientId && m.LeftOn == null), cancellationToken);

        await new AuditTrail(db).RecordReadAsync(nameof(Client), me.Id, me.PracticeId, me.Id, cancellationToken);
        return new View(notes, goals, profile, current);
    }
}
