using Rapport.Clinical.Instruments;
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
        new(InstrumentCatalog.Phq9Id, MeasureTiming.BeforeEachSession),
        new(InstrumentCatalog.Gad7Id, MeasureTiming.BeforeEachSession),
        new(InstrumentCatalog.SessionCheckId, MeasureTiming.AfterEachSession),
        new(InstrumentCatalog.CNipId, MeasureTiming.AtStartAndPeriodically),
    ];

    /// <summary>The episode's plan: the default, narrowed to the override's instruments when the episode has one.</summary>
    public static IReadOnlyList<PlannedMeasure> For(string? overrideList) => For(overrideList, null);

    /// <summary>
    /// The plan in force: the episode's own when it has one, else the practice's default, else Rapport's <see cref="Default"/>.
    /// </summary>
    public static IReadOnlyList<PlannedMeasure> For(string? episodePlan, string? practicePlan) =>
        !string.IsNullOrWhiteSpace(episodePlan) ? Parse(episodePlan)
        : !string.IsNullOrWhiteSpace(practicePlan) ? Parse(practicePlan)
        : Default;

    /// <summary>
    /// Reads a stored plan: <c>id:Timing</c> entries, comma-separated, in the order they are asked. A bare id (the
    /// older form) keeps the default's timing for that instrument; an entry that cannot be read is skipped, so a
    /// stored plan never stops a check-in (the editing forms validate before storing).
    /// </summary>
    public static IReadOnlyList<PlannedMeasure> Parse(string? stored)
    {
        if (string.IsNullOrWhiteSpace(stored))
        {
            return Default;
        }

        var plan = new List<PlannedMeasure>();
        foreach (var entry in stored.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = entry.Split(':', 2, StringSplitOptions.TrimEntries);
            var id = parts[0];
            MeasureTiming? timing = parts.Length == 2
                ? (Enum.TryParse<MeasureTiming>(parts[1], ignoreCase: false, out var t) && Enum.IsDefined(t) ? t : null)
                : Default.FirstOrDefault(p => p.InstrumentId == id)?.Timing;
            if (id.Length > 0 && timing is { } known && plan.All(p => p.InstrumentId != id))
            {
                plan.Add(new PlannedMeasure(id, known));
            }
        }

        return plan;
    }

    /// <summary>The stored form of a plan (see <see cref="Parse"/>).</summary>
    public static string Format(IEnumerable<PlannedMeasure> plan) =>
        string.Join(',', plan.Select(p => $"{p.InstrumentId}:{p.Timing}"));

    /// <summary>
    /// The schedule as one member lived it: an attended session the member was not at counts, for them, as one they
    /// did not attend (no alliance check is asked about a session they missed). An attended session with no attendees
    /// recorded counts for every member (sessions recorded before attendance was kept).
    /// </summary>
    public static IReadOnlyList<SessionSlot> ForMember(IEnumerable<SessionSlot> sessions, ILookup<Guid, Guid> attendeesBySession, Guid clientId)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        ArgumentNullException.ThrowIfNull(attendeesBySession);
        return [.. sessions.Select(s => s with { Status = MemberAttendance.StatusFor(s.Status, attendeesBySession.Contains(s.Id), attendeesBySession[s.Id].Contains(clientId)) })];
    }

    /// <summary>
    /// What one member of an episode is asked for now: the plan in force, over the schedule as this member lived it
    /// (<see cref="ForMember"/>), against what they answered, narrowed to what the check-in can ask
    /// (<see cref="InstrumentSource.IsAskable"/>); nothing once they have left the episode. The one rule the check-in,
    /// the reminders, the episode view and the dashboard all call, so nobody is asked, reminded or flagged differently.
    /// </summary>
    public static IReadOnlyList<DueMeasure> DueForMember(MemberSchedule schedule, Guid clientId, IReadOnlyList<Answered> answers, IReadOnlySet<string> askable, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentNullException.ThrowIfNull(askable);
        return schedule.LeftOn is not null
            ? []
            : InstrumentSource.AskableOnly(Due(schedule.Plan, ForMember(schedule.Sessions, schedule.Attendees, clientId), answers, now), askable);
    }

    /// <summary>An episode's plan in force and its sessions with who attended them, for <see cref="DueForMember"/>.</summary>
    /// <param name="Plan">The plan in force (<see cref="For(string?, string?)"/>).</param>
    /// <param name="Sessions">The episode's sessions.</param>
    /// <param name="Attendees">Attended session id → the members recorded as there.</param>
    /// <param name="LeftOn">When the member left the episode, if they did.</param>
    public sealed record MemberSchedule(IReadOnlyList<PlannedMeasure> Plan, IReadOnlyList<SessionSlot> Sessions, ILookup<Guid, Guid> Attendees, DateOnly? LeftOn = null);

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
