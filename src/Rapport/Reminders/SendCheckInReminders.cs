using Microsoft.EntityFrameworkCore;
using Rapport.Clinical.Instruments;
using Rapport.Email;
using Rapport.Episodes;
using Rapport.Measures;
using Rapport.Persistence;
using Rapport.Practices;
using Rapport.Audit;

namespace Rapport.Reminders;

/// <summary>
/// Emails a client once when a check-in becomes due for a session: not again for the same session, not when they have
/// turned reminders off, and not in the practice's quiet hours (it waits until they end). The email carries no clinical
/// content, no instrument, score or therapist's words: email is not a safe place for them, and a partner may read it.
/// Idempotent across restarts and app instances: a <see cref="CheckInReminder"/> row is claimed (a unique key) before
/// the email goes, and released again if sending fails so the next round retries.
/// </summary>
[NotAudited("Runs as the system viewer (decision 0007); a reminder carries no clinical content")]
public sealed class SendCheckInReminders(RapportDb db, IMailer mailer, TimeProvider clock, EmailOptions options, InstrumentSource instruments)
{
    public const string Subject = "You have a check-in waiting";

    public static string Body(string siteUrl) =>
        "You have a check-in waiting. Sign in to Rapport to answer it:\n\n"
        + $"{siteUrl.TrimEnd('/')}/check-in\n\n"
        + "You can turn these reminders off on your My care page in Rapport.";

    /// <returns>How many reminders were sent.</returns>
    public async Task<int> HandleAsync(CancellationToken cancellationToken = default)
    {
        if (!db.Viewer.IsSystem)
        {
            throw new InvalidOperationException("Reminders are background work: they run as the system, across practices.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var sent = 0;
        // Read once a round: an instrument whose wording is imported while the app runs is reminded from the next round.
        var askable = instruments.Askable();
        var practices = await db.Practices.AsNoTracking().ToListAsync(cancellationToken);
        foreach (var practice in practices.Where(p => !InQuietHours(p, now)))
        {
            var members = await db.EpisodeMembers.AsNoTracking()
                .Where(m => m.Episode!.PracticeId == practice.Id && m.Episode.Status != EpisodeStatus.Ended && m.LeftOn == null)
                .Where(m => m.Client!.Email != null && !m.Client.RemindersOff && m.Client.ErasedAt == null)
                .Where(m => db.Users.Any(u => u.ClientId == m.ClientId))
                .Select(m => new { m.ClientId, m.EpisodeId, m.Client!.Email })
                .ToListAsync(cancellationToken);
            foreach (var member in members)
            {
                if (await RemindAsync(member.EpisodeId, member.ClientId, member.Email!, now, askable, cancellationToken))
                {
                    sent++;
                }
            }
        }

        return sent;
    }

    /// <summary>Whether <paramref name="utcNow"/> falls in the practice's quiet hours, in its own time zone (a window may cross midnight).</summary>
    public static bool InQuietHours(Practice practice, DateTime utcNow)
    {
        ArgumentNullException.ThrowIfNull(practice);
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(practice.TimeZone, out var z) ? z : TimeZoneInfo.Utc;
        var local = TimeOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utcNow, DateTimeKind.Utc), zone));
        var (start, end) = (practice.QuietHoursStart, practice.QuietHoursEnd);
        return start == end ? false : start < end ? local >= start && local < end : local >= start || local < end;
    }

    private async Task<bool> RemindAsync(Guid episodeId, Guid clientId, string email, DateTime now, IReadOnlySet<string> askable, CancellationToken cancellationToken)
    {
        var episode = await db.Episodes.AsNoTracking().FirstAsync(e => e.Id == episodeId, cancellationToken);
        var schedule = await MeasurementPlanQueries.LoadScheduleAsync(db, episode, cancellationToken);
        var plan = schedule.Plan;
        var answers = await db.MeasureResponses.AsNoTracking().Where(r => r.EpisodeId == episodeId && r.ClientId == clientId)
            .Select(r => new MeasurementPlan.Answered(r.InstrumentId, r.SubmittedAt))
            .ToListAsync(cancellationToken);
        // Only what the check-in can actually ask (an instrument whose wording is neither shipped nor imported is not).
        var keys = MeasurementPlan.DueForMember(schedule, clientId, answers, askable, now)
            .Select(d => KeyFor(d, plan))
            .Distinct()
            .ToList();
        if (keys.Count == 0)
        {
            return false;
        }

        var already = await db.CheckInReminders.Where(r => r.ClientId == clientId && r.EpisodeId == episodeId && keys.Contains(r.DueFor))
            .Select(r => r.DueFor).ToListAsync(cancellationToken);
        var fresh = keys.Except(already).ToList();
        if (fresh.Count == 0)
        {
            return false;
        }

        var claims = fresh.Select(key => new CheckInReminder { PracticeId = episode.PracticeId, ClientId = clientId, EpisodeId = episodeId, DueFor = key, SentAt = now }).ToList();
        db.CheckInReminders.AddRange(claims);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another instance claimed it first: it sends, this one does not.
            Forget(claims);
            return false;
        }

        try
        {
            await mailer.SendAsync(new OutgoingMail(email, Subject, Body(options.SiteUrl)), cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Release the claim so the next round tries again, then let the round report the failure.
            db.CheckInReminders.RemoveRange(claims);
            await db.SaveChangesAsync(CancellationToken.None);
            throw;
        }

        Forget(claims);
        return true;
    }

    /// <summary>
    /// The reminder's key: the session the due check-in belongs to. The check-in before a session and the alliance check
    /// after it are two reminders, so the after-session one gets its own key (the session id with every bit flipped);
    /// otherwise, once the client was reminded before a session, they would never be reminded of the check after it.
    /// </summary>
    internal static Guid KeyFor(DueMeasure due, IReadOnlyList<PlannedMeasure> plan)
    {
        if (due.ForSession is not { } session)
        {
            return Guid.Empty;
        }

        if (plan.FirstOrDefault(p => p.InstrumentId == due.InstrumentId)?.Timing != MeasureTiming.AfterEachSession)
        {
            return session;
        }

        var bytes = session.ToByteArray();
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)~bytes[i];
        }

        return new Guid(bytes);
    }

    private void Forget(IEnumerable<CheckInReminder> claims)
    {
        foreach (var claim in claims)
        {
            db.Entry(claim).State = EntityState.Detached;
        }
    }
}
