using Microsoft.EntityFrameworkCore;
using Rapport.Access;
using Rapport.CheckIns;
using Rapport.Measures;
using Rapport.Persistence;
using Rapport.Audit;

namespace Rapport.Goals;

/// <summary>A goal as the client and their care team see it.</summary>
public sealed record GoalView(Guid Id, string Text, GoalStatus Status, DateTime SetAt, DateTime UpdatedAt, DateTime? ClosedAt);

/// <summary>The client writes a new goal in their own words, for their current episode.</summary>
[Audits(AuditedAs.Writes)]
public sealed class SetGoal(RapportDb db, TimeProvider clock, InstrumentSource instruments)
{
    public const string TextField = "Goal";

    /// <summary>The same check <see cref="HandleAsync"/> makes, so a form can refuse bad input before saving anything else.</summary>
    public static string? Check(string? text)
    {
        var trimmed = text?.Trim() ?? string.Empty;
        if (trimmed.Length == 0)
        {
            return "Please write your goal in a few words.";
        }

        return trimmed.Length > ClientGoal.MaxLength
            ? $"Please keep your goal to {ClientGoal.MaxLength} characters (it is {trimmed.Length})."
            : null;
    }

    /// <param name="episodeId">The episode of the check-in the goal was written in; without one (My care), the current episode.</param>
    public async Task<Outcome<GoalView>> HandleAsync(string? text, Guid? episodeId = null, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var state = await CheckInState.LoadOrLatestAsync(db, instruments, now, cancellationToken, episodeId);
        if (state is null)
        {
            return Outcome<GoalView>.Missing();
        }

        var (goal, refusal) = await StageAsync(db, state, text, now, cancellationToken);
        if (goal is null)
        {
            return Outcome<GoalView>.Invalid(TextField, refusal!);
        }

        await db.SaveChangesAsync(cancellationToken);
        return Outcome<GoalView>.Ok(GoalQueries.View(goal));
    }

    /// <summary>Checks the goal and adds it to the unit of work, unsaved; or says why it cannot be set.</summary>
    internal static async Task<(ClientGoal? Goal, string? Problem)> StageAsync(RapportDb db, CheckInState state, string? text, DateTime now, CancellationToken cancellationToken)
    {
        if (Check(text) is { } problem)
        {
            return (null, problem);
        }

        var open = await db.ClientGoals.CountAsync(g => g.ClientId == state.ClientId && g.EpisodeId == state.Episode.Id && g.Status == GoalStatus.WorkingOnIt, cancellationToken);
        if (open >= ClientGoal.MaxOpen)
        {
            return (null, $"You have {open} goals you are working on. Mark one as achieved or no longer a goal before adding another.");
        }

        var goal = new ClientGoal
        {
            PracticeId = state.Episode.PracticeId,
            EpisodeId = state.Episode.Id,
            ClientId = state.ClientId,
            Text = text!.Trim(),
            Status = GoalStatus.WorkingOnIt,
            SetAt = now,
            UpdatedAt = now,
        };
        db.ClientGoals.Add(goal);
        return (goal, null);
    }
}

/// <summary>The client rewords a goal or marks it achieved, dropped or worked on again. Only their own goals.</summary>
[Audits(AuditedAs.Writes)]
public sealed class EditGoal(RapportDb db, TimeProvider clock)
{
    /// <summary>One goal's edit on the "my goals" form. <paramref name="Status"/> is null when the form sent none (or one
    /// that is not a status): that is an error, never a default, so a crafted or broken form cannot reopen an achieved goal.</summary>
    public sealed record Change(Guid GoalId, string? Text, GoalStatus? Status);

    /// <summary>The form's field for the goal at <paramref name="index"/>: its words, and where it stands.</summary>
    public static string TextField(int index) => $"Goal-{index}";

    public static string StatusField(int index) => $"GoalStatus-{index}";

    /// <summary>
    /// Saves every goal on the form, or none: all are checked first (errors keyed by <see cref="TextField"/> and
    /// <see cref="StatusField"/>), then saved in one SaveChanges, so one bad goal never leaves the others half-saved.
    /// A goal that is not the client's own is an error next to it (nothing saved); reopening counts against <see cref="ClientGoal.MaxOpen"/>.
    /// </summary>
    public async Task<Outcome<IReadOnlyList<GoalView>>> HandleAllAsync(IReadOnlyList<Change> changes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (db.Viewer.ClientId is not { } clientId)
        {
            return Outcome<IReadOnlyList<GoalView>>.Missing();
        }

        var errors = new Dictionary<string, string>();
        for (var i = 0; i < changes.Count; i++)
        {
            if (SetGoal.Check(changes[i].Text) is { } problem)
            {
                errors[TextField(i)] = problem;
            }

            if (changes[i].Status is not { } status || !Enum.IsDefined(status))
            {
                errors[StatusField(i)] = "Please choose how this goal stands.";
            }
        }

        if (errors.Count > 0)
        {
            return Outcome<IReadOnlyList<GoalView>>.Invalid(errors);
        }

        var ids = changes.Select(c => c.GoalId).ToList();
        // The explicit ClientId keeps a care team member (who may read the goal) from editing the client's words.
        var goals = await db.ClientGoals.Where(g => ids.Contains(g.Id) && g.ClientId == clientId).ToDictionaryAsync(g => g.Id, cancellationToken);
        // All or nothing: a goal that is not this client's (or not there) is an error next to it, not skipped.
        for (var i = 0; i < changes.Count; i++)
        {
            if (!goals.ContainsKey(changes[i].GoalId))
            {
                errors[StatusField(i)] = "This goal is not one of yours any more. Reload the page and try again.";
            }
        }

        if (errors.Count > 0)
        {
            return Outcome<IReadOnlyList<GoalView>>.Invalid(errors);
        }

        // Reopening goals counts against the same limit as adding one: at most MaxOpen in work per episode.
        var statusChanges = changes.Select((c, i) => (Goal: goals[c.GoalId], Index: i, c.Status))
            .Where(c => (c.Goal.Status == GoalStatus.WorkingOnIt) != (c.Status == GoalStatus.WorkingOnIt)).ToList();
        foreach (var episode in statusChanges.Where(c => c.Status == GoalStatus.WorkingOnIt).GroupBy(c => c.Goal.EpisodeId))
        {
            var open = await db.ClientGoals.CountAsync(g => g.ClientId == clientId && g.EpisodeId == episode.Key && g.Status == GoalStatus.WorkingOnIt, cancellationToken);
            var closing = statusChanges.Count(c => c.Goal.EpisodeId == episode.Key && c.Status != GoalStatus.WorkingOnIt);
            if (open + episode.Count() - closing > ClientGoal.MaxOpen)
            {
                errors[StatusField(episode.First().Index)] = $"You can work on at most {ClientGoal.MaxOpen} goals at once. Mark one as achieved or no longer a goal first.";
            }
        }

        if (errors.Count > 0)
        {
            return Outcome<IReadOnlyList<GoalView>>.Invalid(errors);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var change in changes)
        {
            Apply(goals[change.GoalId], change.Text!.Trim(), change.Status!.Value, now);
        }

        await db.SaveChangesAsync(cancellationToken);
        return Outcome<IReadOnlyList<GoalView>>.Ok([.. goals.Values.Select(GoalQueries.View)]);
    }

    private static void Apply(ClientGoal goal, string trimmed, GoalStatus status, DateTime now)
    {
        if (trimmed == goal.Text && status == goal.Status)
        {
            return;
        }

        goal.Text = trimmed;
        if (status != goal.Status)
        {
            goal.Status = status;
            goal.ClosedAt = status == GoalStatus.WorkingOnIt ? null : now;
        }

        goal.UpdatedAt = now;
    }

    public async Task<Outcome<GoalView>> HandleAsync(Guid goalId, string? text, GoalStatus status, CancellationToken cancellationToken = default)
    {
        if (db.Viewer.ClientId is not { } clientId)
        {
            return Outcome<GoalView>.Missing();
        }

        // The explicit ClientId keeps a care team member (who may read the goal) from editing the client's words.
        var goal = await db.ClientGoals.FirstOrDefaultAsync(g => g.Id == goalId && g.ClientId == clientId, cancellationToken);
        if (goal is null)
        {
            return Outcome<GoalView>.Missing();
        }

        if (SetGoal.Check(text) is { } problem)
        {
            return Outcome<GoalView>.Invalid(SetGoal.TextField, problem);
        }

        if (!Enum.IsDefined(status))
        {
            return Outcome<GoalView>.Invalid("Status", "Please choose how this goal stands.");
        }

        Apply(goal, text!.Trim(), status, clock.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(cancellationToken);
        return Outcome<GoalView>.Ok(GoalQueries.View(goal));
    }
}

/// <summary>Goals of one client, as the relationship filters allow: the client's own, or their care team's view of them.</summary>
[Audits(AuditedAs.PartOfClientRecord)]
public sealed class GetClientGoals(RapportDb db)
{
    /// <summary>
    /// For staff on the client page (the page's own record read is the audit entry). Goals of episodes the viewer is
    /// not on never pass the filter.
    /// </summary>
    public async Task<IReadOnlyList<GoalView>> HandleAsync(Guid clientId, Guid? episodeId = null, CancellationToken cancellationToken = default)
    {
        if (!db.Viewer.IsStaff && db.Viewer.ClientId != clientId)
        {
            return [];
        }

        return await GoalQueries.Query(db, clientId, episodeId).ToListAsync(cancellationToken);
    }

    /// <summary>The signed-in client's own goals they are still working on (the check-in's goal step); none for anyone else.</summary>
    public async Task<IReadOnlyList<GoalView>> MineInProgressAsync(CancellationToken cancellationToken = default) =>
        // Filtered after reading: the query projects through GoalView's constructor, which EF cannot filter on.
        db.Viewer.ClientId is { } me
            ? [.. (await GoalQueries.Query(db, me, null).ToListAsync(cancellationToken)).Where(g => g.Status == GoalStatus.WorkingOnIt)]
            : [];
}

internal static class GoalQueries
{
    public static GoalView View(ClientGoal g) => new(g.Id, g.Text, g.Status, g.SetAt, g.UpdatedAt, g.ClosedAt);

    // Open goals first, then the newest.
    public static IQueryable<GoalView> Query(RapportDb db, Guid clientId, Guid? episodeId) =>
        db.ClientGoals.AsNoTracking()
            .Where(g => g.ClientId == clientId && (episodeId == null || g.EpisodeId == episodeId))
            .OrderBy(g => g.Status == GoalStatus.WorkingOnIt ? 0 : 1)
            .ThenByDescending(g => g.SetAt)
            .Select(g => new GoalView(g.Id, g.Text, g.Status, g.SetAt, g.UpdatedAt, g.ClosedAt));
}

public static class GoalStatusWords
{
    /// <summary>The status in the client's words.</summary>
    public static string Of(GoalStatus status) => status switch
    {
        GoalStatus.Achieved => "Achieved",
        GoalStatus.Dropped => "No longer a goal",
        _ => "Working on it",
    };
}
