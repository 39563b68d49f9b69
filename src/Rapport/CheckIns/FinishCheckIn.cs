using Rapport.Audit;
using Rapport.Access;
using Rapport.Goals;
using Rapport.Measures;
using Rapport.Persistence;

namespace Rapport.CheckIns;

/// <summary>
/// The last step of a check-in: the client's note for their care team and a new goal in their own words, both optional.
/// Both boxes are checked first and every problem is reported at once (keyed by <see cref="LeaveNote.NoteField"/> and
/// <see cref="SetGoal.TextField"/>); then both are stored in one save, so bad input in either box stores nothing.
/// </summary>
[Audits(AuditedAs.Writes)]
public sealed class FinishCheckIn(RapportDb db, TimeProvider clock, InstrumentSource instruments)
{
    /// <summary>What was stored: whether a note was left, and the goal if one was set.</summary>
    public sealed record Finished(bool NoteLeft, GoalView? Goal);

    /// <param name="episodeId">The episode the check-in is for: the note and the goal belong to that care team only.</param>
    public async Task<Outcome<Finished>> HandleAsync(string? note, string? goal, Guid? episodeId = null, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var state = await CheckInState.LoadAsync(db, instruments, now, cancellationToken, episodeId);
        if (state is null)
        {
            return Outcome<Finished>.Missing();
        }

        var errors = new Dictionary<string, string>();
        if (LeaveNote.Check(note) is { } noteProblem)
        {
            errors[LeaveNote.NoteField] = noteProblem;
        }

        ClientGoal? staged = null;
        if (!string.IsNullOrWhiteSpace(goal))
        {
            // Checked even when the note is refused, so the client sees both problems in one go; staged only if all is well.
            var (candidate, goalProblem) = errors.Count == 0
                ? await SetGoal.StageAsync(db, state, goal, now, cancellationToken)
                : (null, SetGoal.Check(goal));
            if (goalProblem is not null)
            {
                errors[SetGoal.TextField] = goalProblem;
            }

            staged = candidate;
        }

        if (errors.Count > 0)
        {
            db.ChangeTracker.Clear();
            return Outcome<Finished>.Invalid(errors);
        }

        var noteLeft = LeaveNote.Stage(db, state, note, now);
        await db.SaveChangesAsync(cancellationToken);
        return Outcome<Finished>.Ok(new Finished(noteLeft, staged is null ? null : GoalQueries.View(staged)));
    }
}
