using Rapport.Access;
using Rapport.Persistence;
using Rapport.Audit;

namespace Rapport.CheckIns;

/// <summary>"Before our next session I want you to know…": stores the client's note for their care team, if they wrote one.</summary>
[Audits(AuditedAs.Writes)]
public sealed class LeaveNote(RapportDb db, TimeProvider clock)
{
    public const string NoteField = "Note";

    /// <returns><c>true</c> when a note was stored, <c>false</c> when the box was left empty.</returns>
    /// <param name="episodeId">The episode the check-in is for: the note goes to that care team only.</param>
    public async Task<Outcome<bool>> HandleAsync(string? text, Guid? episodeId = null, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var state = await CheckInState.LoadAsync(db, now, cancellationToken, episodeId: episodeId);
        if (state is null)
        {
            return Outcome<bool>.Missing();
        }

        var trimmed = text?.Trim() ?? string.Empty;
        if (trimmed.Length == 0)
        {
            return Outcome<bool>.Ok(false);
        }

        if (trimmed.Length > ClientNote.MaxLength)
        {
            return Outcome<bool>.Invalid(NoteField, $"Please keep your note to {ClientNote.MaxLength} characters (it is {trimmed.Length}).");
        }

        db.ClientNotes.Add(new ClientNote
        {
            PracticeId = state.Episode.PracticeId,
            EpisodeId = state.Episode.Id,
            ClientId = state.ClientId,
            Text = trimmed,
            WrittenAt = now,
        });
        await db.SaveChangesAsync(cancellationToken);
        return Outcome<bool>.Ok(true);
    }
}
