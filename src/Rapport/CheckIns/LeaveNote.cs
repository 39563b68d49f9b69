using Rapport.Access;
using Rapport.Persistence;
using Rapport.Audit;
using Rapport.Measures;

namespace Rapport.CheckIns;

/// <summary>"Before our next session I want you to know…": stores the client's note for their care team, if they wrote one.</summary>
[Audits(AuditedAs.Writes)]
public sealed class LeaveNote(RapportDb db, TimeProvider clock, InstrumentSource instruments)
{
    public const string NoteField = "Note";

    /// <returns><c>true</c> when a note was stored, <c>false</c> when the box was left empty.</returns>
    /// <param name="episodeId">The episode the check-in is for: the note goes to that care team only.</param>
    public async Task<Outcome<bool>> HandleAsync(string? text, Guid? episodeId = null, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var state = await CheckInState.LoadAsync(db, instruments, now, cancellationToken, episodeId);
        if (state is null)
        {
            return Outcome<bool>.Missing();
        }

        if (Check(text) is { } problem)
        {
            return Outcome<bool>.Invalid(NoteField, problem);
        }

        if (!Stage(db, state, text, now))
        {
            return Outcome<bool>.Ok(false);
        }

        await db.SaveChangesAsync(cancellationToken);
        return Outcome<bool>.Ok(true);
    }

    /// <summary>Why the note cannot be stored, or <c>null</c> (an empty box is fine: the note is optional).</summary>
    public static string? Check(string? text)
    {
        var trimmed = text?.Trim() ?? string.Empty;
        return trimmed.Length > ClientNote.MaxLength
            ? $"Please keep your note to {ClientNote.MaxLength} characters (it is {trimmed.Length})."
            : null;
    }

    /// <summary>Adds the (checked) note to the unit of work, unsaved; <c>false</c> when the box was empty.</summary>
    internal static bool Stage(RapportDb db, CheckInState state, string? text, DateTime now)
    {
        var trimmed = text?.Trim() ?? string.Empty;
        if (trimmed.Length == 0)
        {
            return false;
        }

        db.ClientNotes.Add(new ClientNote
        {
            PracticeId = state.Episode.PracticeId,
            EpisodeId = state.Episode.Id,
            ClientId = state.ClientId,
            Text = trimmed,
            WrittenAt = now,
        });
        return true;
    }
}
