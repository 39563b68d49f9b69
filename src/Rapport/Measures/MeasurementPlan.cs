using Rapport.Sessions;

namespace Rapport.Measures;

/// <summary>When an instrument is asked in an episode.</summary>
public enum MeasureTiming
{
    /// <summary>In the days before each session (symptom measures, so the session can start from them).</summary>
    BeforeEachSession,

    /// <summary>After each attended session (the alliance check is about the session just held).</summary>
    AfterEachSession,

    /// <summary>At the start of the episode and again about every <see cref="MeasurementPlan.PreferencesEvery"/> sessions.</summary>
    AtStartAndPeriodically,
}

/// <summary>One instrument in a plan.</summary>
public sealed record PlannedMeasure(string InstrumentId, MeasureTiming Timing);

/// <summary>An instrument the client is asked for now, and whether the moment for it has passed.</summary>
/// <param name="InstrumentId">The instrument.</param>
/// <param name="Overdue">The session it was meant for has started (or the session it follows is more than two days ago).</param>
/// <param name="ForSession">The session it belongs to, when there is one.</param>
public sealed record DueMeasure(string InstrumentId, bool Overdue, Guid? ForSession);

/// <summary>
/// What an episode asks of each member and when. The default follows routine outcome monitoring practice
/// (PHQ-9 and GAD-7 before every session as in NHS Talking Therapies; a brief alliance check after every session;
/// preferences at the start and now and then). An episode may override it with a shorter list of instrument ids.
/// </summary>
public static class MeasurementPlan
{
    /// <summary>About every six sessions preferences are asked again: they change as therapy goes on (Cooper &amp; Norcross 2016).</summary>
    public const int PreferencesEvery = 6;

    public static IReadOnlyList<PlannedMeasure> Default { get; } =
    [
        new("phq-9", MeasureTiming.BeforeEachSession),
        new("gad-7", MeasureTiming.BeforeEachSession),
        new("rapport-session-check", MeasureTiming.AfterEachSession),
        new("c-nip", MeasureTiming.AtStartAndPeriodically),
    ];

    /// <summary>The episode's plan: the default, narrowed to the override's instruments when the episode has one.</summary>
    public static IReadOnlyList<PlannedMeasure> For(string? overrideList)
    {
        if (string.IsNullOrWhiteSpace(overrideList))
        {
            return Default;
        }

        var chosen = overrideList.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return [.. Default.Where(p => chosen.Contains(p.InstrumentId, StringComparer.Ordinal))];
    }

    /// <summary>A session as the plan needs it.</summary>
    public sealed record SessionSlot(Guid Id, DateTime StartsAt, int DurationMinutes, SessionStatus Status);

    /// <summary>A past answer as the plan needs it.</summary>
    public sealed record Answered(string InstrumentId, DateTime SubmittedAt);

    /// <summary>
    /// What one member owes now, in plan order. Before-session measures are due when nothing was given since the
    /// last attended session began; they are overdue once the next session has started. The alliance check is due
    /// after an attended session until answered, overdue two days later (memory of a session fades fast).
    /// </summary>
    public static IReadOnlyList<DueMeasure> Due(IReadOnlyList<PlannedMeasure> plan, IReadOnlyList<SessionSlot> sessions, IReadOnlyList<Answered> answers, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(sessions);
        ArgumentNullException.ThrowIfNull(answers);
        var lastHeld = sessions.Where(s => s.Status == SessionStatus.Attended && s.StartsAt <= now).MaxBy(s => s.StartsAt);
        var next = sessions.Where(s => s.Status == SessionStatus.Scheduled).MinBy(s => s.StartsAt);
        var held = sessions.Count(s => s.Status == SessionStatus.Attended && s.StartsAt <= now);
        var due = new List<DueMeasure>();
        foreach (var planned in plan)
        {
            var given = answers.Where(a => a.InstrumentId == planned.InstrumentId).Select(a => a.SubmittedAt).ToList();
            switch (planned.Timing)
            {
                case MeasureTiming.BeforeEachSession:
                    var since = lastHeld?.StartsAt ?? DateTime.MinValue;
                    if (next is not null && !given.Any(g => g >= since))
                    {
                        due.Add(new DueMeasure(planned.InstrumentId, next.StartsAt <= now, next.Id));
                    }

                    break;
                case MeasureTiming.AfterEachSession:
                    if (lastHeld is not null && !given.Any(g => g >= lastHeld.StartsAt))
                    {
                        due.Add(new DueMeasure(planned.InstrumentId, lastHeld.StartsAt.AddDays(2) <= now, lastHeld.Id));
                    }

                    break;
                case MeasureTiming.AtStartAndPeriodically:
                    var last = given.Count == 0 ? (DateTime?)null : given.Max();
                    var heldSince = last is null ? held : sessions.Count(s => s.Status == SessionStatus.Attended && s.StartsAt > last && s.StartsAt <= now);
                    if (last is null || heldSince >= PreferencesEvery)
                    {
                        due.Add(new DueMeasure(planned.InstrumentId, false, next?.Id));
                    }

                    break;
                default:
                    throw new InvalidOperationException($"unknown timing {planned.Timing}");
            }
        }

        return due;
    }
}
