namespace Rapport.Reminders;

/// <summary>
/// A check-in reminder that was sent: one per client, episode and due session. The unique key is what makes
/// reminders idempotent across restarts and across several app instances: whoever inserts the row first sends.
/// </summary>
public sealed class CheckInReminder
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid PracticeId { get; init; }
    public Guid ClientId { get; init; }
    public Guid EpisodeId { get; init; }

    /// <summary>
    /// The session the due check-in belongs to; <see cref="Guid.Empty"/> when it belongs to none (preferences at the start).
    /// The alliance check after a session has its own key (<see cref="SendCheckInReminders.KeyFor"/>), apart from the
    /// check-in before it.
    /// </summary>
    public Guid DueFor { get; init; }
    public DateTime SentAt { get; init; }
}
