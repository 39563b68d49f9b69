using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Rapport.Access;
using Rapport.Audit;
using Rapport.Episodes;
using Rapport.Persistence;

namespace Rapport.Sessions;

/// <summary>
/// A therapist on the care team books a session or records how it went: when (in the practice's time zone), how long,
/// in person, by video or by phone, and which members came. The schedule drives the measurement plan: an attended
/// session makes the alliance check due for each member who was there, and only for them. Supervisors read, they do not
/// record (the record is the treating therapist's). Numbers stay 1, 2, 3… in date order within the episode.
/// </summary>
[Audits(AuditedAs.ClientReads | AuditedAs.Writes)]
public sealed class RecordSession(RapportDb db, TimeProvider clock)
{
    public const int MinimumMinutes = 5;
    public const int MaximumMinutes = 240;

    public sealed class Form
    {
        public DateOnly? Date { get; set; }
        public TimeOnly? Time { get; set; }
        public int? DurationMinutes { get; set; } = 50;
        public SessionSetting Setting { get; set; }
        public SessionStatus Status { get; set; }
        public List<Guid> Attendees { get; set; } = [];

        /// <summary>The version the editor started from; a stale one is a conflict, not an overwrite.</summary>
        public Guid? Version { get; set; }
    }

    public sealed record Member(Guid ClientId, string DisplayName);

    /// <summary>What the form needs: the episode, its members, the practice's time zone, and the session when editing.</summary>
    public sealed record Context(Guid EpisodeId, string EpisodeTitle, Guid ClientId, IReadOnlyList<Member> Members, string TimeZone, Guid? SessionId, int? Number, Form Form)
    {
        /// <summary>The episode's sessions, latest first, to pick one to record.</summary>
        public IReadOnlyList<Row> Sessions { get; init; } = [];
    }

    public sealed record Row(Guid Id, int Number, DateTime StartsAt, SessionStatus Status);

    /// <summary>The episode's form for a new session, or null when the viewer is not on its care team.</summary>
    public async Task<Context?> NewAsync(Guid episodeId, CancellationToken cancellationToken = default)
    {
        var episode = await CareTeamEpisodeAsync(episodeId, cancellationToken);
        if (episode is null)
        {
            return null;
        }

        var zone = await ZoneAsync(episode.PracticeId, cancellationToken);
        var local = TimeZoneInfo.ConvertTimeFromUtc(clock.GetUtcNow().UtcDateTime, zone);
        var members = MembersOn(episode, DateOnly.FromDateTime(local));
        var form = new Form
        {
            Date = DateOnly.FromDateTime(local),
            Time = new TimeOnly(local.Hour, 0),
            Status = SessionStatus.Scheduled,
            Attendees = [.. members.Select(m => m.ClientId)],
        };
        var rows = await RowsAsync(episode.Id, cancellationToken);
        await AuditReadAsync(nameof(CareEpisode), episode.Id, episode, cancellationToken);
        return new Context(episode.Id, episode.Title, members.FirstOrDefault()?.ClientId ?? Guid.Empty, members, zone.Id, null, null, form)
        {
            Sessions = rows,
        };
    }

    /// <summary>A session's form for editing, or null when the viewer is not on its episode's care team.</summary>
    public async Task<Context?> EditAsync(Guid sessionId, CancellationToken cancellationToken = default)
    {
        var session = await db.Sessions.AsNoTracking().Include(s => s.Attendees).FirstOrDefaultAsync(s => s.Id == sessionId, cancellationToken);
        var episode = session is null ? null : await CareTeamEpisodeAsync(session.EpisodeId, cancellationToken);
        if (session is null || episode is null)
        {
            return null;
        }

        var zone = await ZoneAsync(episode.PracticeId, cancellationToken);
        var local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(session.StartsAt, DateTimeKind.Utc), zone);
        var members = MembersOn(episode, DateOnly.FromDateTime(local));
        var form = new Form
        {
            Date = DateOnly.FromDateTime(local),
            Time = TimeOnly.FromDateTime(local),
            DurationMinutes = session.DurationMinutes,
            Setting = session.Setting,
            Status = session.Status,
            Attendees = [.. session.Attendees.Select(a => a.ClientId)],
            Version = session.Version,
        };
        var rows = await RowsAsync(episode.Id, cancellationToken);
        await AuditReadAsync(nameof(Session), session.Id, episode, cancellationToken);
        return new Context(episode.Id, episode.Title, members.FirstOrDefault()?.ClientId ?? Guid.Empty, members, zone.Id, session.Id, session.Number, form)
        {
            Sessions = rows,
        };
    }

    /// <summary>A session as saved: what the page and the API show back (never the tracked entity).</summary>
    public sealed record Saved(Guid Id, Guid EpisodeId, int Number, DateTime StartsAt, int DurationMinutes, SessionSetting Setting, SessionStatus Status,
        IReadOnlyList<Guid> Attendees, Guid Version)
    {
        internal static Saved Of(Session s) =>
            new(s.Id, s.EpisodeId, s.Number, s.StartsAt, s.DurationMinutes, s.Setting, s.Status, [.. s.Attendees.Select(a => a.ClientId)], s.Version);
    }

    /// <summary>Books a new session in the episode.</summary>
    public async Task<Outcome<Saved>> AddAsync(Guid episodeId, Form form, CancellationToken cancellationToken = default) =>
        (await SaveAsync(episodeId, null, form, cancellationToken)).Map(Saved.Of);

    /// <summary>Records how a session went, or moves it.</summary>
    public async Task<Outcome<Saved>> UpdateAsync(Guid sessionId, Form form, CancellationToken cancellationToken = default)
    {
        var episodeId = await db.Sessions.Where(s => s.Id == sessionId).Select(s => (Guid?)s.EpisodeId).FirstOrDefaultAsync(cancellationToken);
        return episodeId is null ? Outcome<Saved>.Missing() : (await SaveAsync(episodeId.Value, sessionId, form, cancellationToken)).Map(Saved.Of);
    }

    // Two saves in the same episode at the same moment both renumber from what they read. Each save also renews the
    // episode's Version (its concurrency token), so the second one fails at the database (DbUpdateConcurrencyException)
    // and is run again from fresh data: numbers stay 1, 2, 3… with no duplicate. A unique index on (EpisodeId, Number)
    // was not chosen: renumbering shifts numbers within one save (3 becomes 4 while 4 becomes 5), which a unique index
    // checked row by row would refuse on SQLite, and it would turn a race into an error instead of a retry.
    private const int Attempts = 3;

    private async Task<Outcome<Session>> SaveAsync(Guid episodeId, Guid? sessionId, Form form, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await SaveOnceAsync(episodeId, sessionId, form, cancellationToken);
            }
            catch (DbUpdateConcurrencyException conflict)
            {
                db.ChangeTracker.Clear();
                // The session itself changed since the editor opened it: the next attempt reports that as a conflict.
                // Only the episode's token moved (another session saved at once): try again, a few times.
                if (attempt >= Attempts && conflict.Entries.All(e => e.Entity is CareEpisode))
                {
                    return Outcome<Session>.Invalid(nameof(Form.Date), "Another session in this episode was saved at the same moment. Nothing was saved: please save again.");
                }

                if (attempt >= Attempts)
                {
                    return Conflict();
                }
            }
        }
    }

    private async Task<Outcome<Session>> SaveOnceAsync(Guid episodeId, Guid? sessionId, Form form, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(form);
        form.Attendees ??= [];
        var episode = await CareTeamEpisodeAsync(episodeId, cancellationToken);
        if (episode is null)
        {
            return Outcome<Session>.Missing();
        }

        var zone = await ZoneAsync(episode.PracticeId, cancellationToken);
        var errors = Validate(form, episode, zone, out var startsAt);
        if (errors.Count > 0)
        {
            return Outcome<Session>.Invalid(errors);
        }

        var sessions = await db.Sessions.Include(s => s.Attendees).Where(s => s.EpisodeId == episode.Id).ToListAsync(cancellationToken);
        Session session;
        if (sessionId is null)
        {
            session = new Session { PracticeId = episode.PracticeId, EpisodeId = episode.Id };
            db.Sessions.Add(session);
            sessions.Add(session);
        }
        else
        {
            session = sessions.First(s => s.Id == sessionId);
            if (form.Version is not { } version || version != session.Version)
            {
                return Conflict();
            }

            // Compare against the version the editor saw, so a change in between fails at the database too. Marking it
            // modified makes every edit a new version, also one that only changes who came (attendees are other rows).
            db.Entry(session).Property(s => s.Version).OriginalValue = version;
            db.Entry(session).Property(s => s.Version).IsModified = true;
        }

        session.StartsAt = startsAt;
        session.DurationMinutes = form.DurationMinutes!.Value;
        session.Setting = form.Setting;
        session.Status = form.Status;
        var attendees = Attends(form.Status) ? form.Attendees.Distinct().ToHashSet() : [];
        session.Attendees.RemoveAll(a => !attendees.Contains(a.ClientId));
        session.Attendees.AddRange(attendees.Where(id => session.Attendees.All(a => a.ClientId != id))
            .Select(id => new SessionAttendee { SessionId = session.Id, ClientId = id }));

        var number = 1;
        foreach (var s in sessions.OrderBy(s => s.StartsAt).ThenBy(s => s.Id))
        {
            if (s.Number != number)
            {
                s.Number = number;
            }

            number++;
        }

        // Renews the episode's Version in the same save (see SaveAsync): the version read above must still be current.
        var tracked = db.Entry(episode);
        tracked.State = EntityState.Unchanged;
        tracked.Property(e => e.Version).IsModified = true;

        await db.SaveChangesAsync(cancellationToken);
        return Outcome<Session>.Ok(session);
    }

    private async Task<List<Row>> RowsAsync(Guid episodeId, CancellationToken cancellationToken) =>
        await db.Sessions.AsNoTracking().Where(s => s.EpisodeId == episodeId).OrderByDescending(s => s.StartsAt)
            .Select(s => new Row(s.Id, s.Number, s.StartsAt, s.Status)).ToListAsync(cancellationToken);

    private static Outcome<Session> Conflict() =>
        Outcome<Session>.Conflict(nameof(Form.Version), "Someone else changed this session since you opened it. Nothing was saved: open it again to see their changes.");

    /// <summary>Who came is recorded for an attended session, and kept as the expected members for a booked one.</summary>
    private static bool Attends(SessionStatus status) => status is SessionStatus.Attended or SessionStatus.Scheduled;

    private Dictionary<string, string> Validate(Form form, CareEpisode episode, TimeZoneInfo zone, out DateTime startsAt)
    {
        var errors = new Dictionary<string, string>();
        startsAt = default;
        if (form.Date is not { } date || form.Time is not { } time)
        {
            errors[nameof(Form.Date)] = "Enter the date and time of the session.";
        }
        else
        {
            var local = date.ToDateTime(time, DateTimeKind.Unspecified);
            startsAt = zone.IsInvalidTime(local) ? TimeZoneInfo.ConvertTimeToUtc(local.AddHours(1), zone) : TimeZoneInfo.ConvertTimeToUtc(local, zone);
            var now = clock.GetUtcNow().UtcDateTime;
            if (date < episode.StartedOn)
            {
                errors[nameof(Form.Date)] = string.Create(CultureInfo.InvariantCulture, $"The episode started on {episode.StartedOn:d MMM yyyy}: a session cannot be before it.");
            }
            else if (startsAt > now.AddYears(1))
            {
                errors[nameof(Form.Date)] = "Book sessions up to a year ahead.";
            }
            else if (startsAt > now && form.Status is SessionStatus.Attended or SessionStatus.DidNotAttend)
            {
                errors[nameof(Form.Status)] = "A session that has not happened yet can be booked or cancelled, not marked as attended or missed.";
            }
        }

        if (form.DurationMinutes is not { } minutes || minutes < MinimumMinutes || minutes > MaximumMinutes)
        {
            errors[nameof(Form.DurationMinutes)] = $"Enter a length between {MinimumMinutes} and {MaximumMinutes} minutes.";
        }

        if (!Enum.IsDefined(form.Setting))
        {
            errors[nameof(Form.Setting)] = "Choose in person, video or phone.";
        }

        if (!Enum.IsDefined(form.Status))
        {
            errors[nameof(Form.Status)] = "Choose whether the session is booked, attended, cancelled or missed.";
        }

        var members = episode.Members.Select(m => m.ClientId).ToHashSet();
        var left = form.Date is { } day && Attends(form.Status)
            ? episode.Members.FirstOrDefault(m => form.Attendees.Contains(m.ClientId) && m.LeftOn < day)
            : null;
        if (form.Attendees.Any(id => !members.Contains(id)))
        {
            errors[nameof(Form.Attendees)] = "Only members of this episode can attend its sessions.";
        }
        else if (left is not null)
        {
            errors[nameof(Form.Attendees)] = string.Create(CultureInfo.InvariantCulture,
                $"{left.Client?.DisplayName ?? "A member"} left this episode on {left.LeftOn:d MMM yyyy}, before this session: untick them.");
        }
        else if (form.Status == SessionStatus.Attended && form.Attendees.Count == 0)
        {
            errors[nameof(Form.Attendees)] = "Tick who came. If nobody came, record the session as missed.";
        }

        return errors;
    }

    // The care team, not supervisors: EpisodeTherapists is not filtered, so the viewer must also see the episode.
    private async Task<CareEpisode?> CareTeamEpisodeAsync(Guid episodeId, CancellationToken cancellationToken)
    {
        if (db.Viewer.StaffMemberId is null)
        {
            return null;
        }

        return await db.Episodes.AsNoTracking()
            .Include(e => e.Members).ThenInclude(m => m.Client)
            .WhereViewerIsOnCareTeam(db.Viewer)
            .Where(e => e.Id == episodeId)
            .FirstOrDefaultAsync(cancellationToken);
    }

    private async Task<TimeZoneInfo> ZoneAsync(Guid practiceId, CancellationToken cancellationToken)
    {
        var id = await db.Practices.Where(p => p.Id == practiceId).Select(p => p.TimeZone).FirstOrDefaultAsync(cancellationToken);
        return id is not null && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;
    }

    /// <summary>The members who can come to a session on that day: not those who had left the episode before it.</summary>
    private static List<Member> MembersOn(CareEpisode episode, DateOnly day) =>
        [.. episode.Members.Where(m => m.LeftOn is null || m.LeftOn >= day)
            .OrderBy(m => m.Client?.DisplayName, StringComparer.Ordinal).Select(m => new Member(m.ClientId, m.Client?.DisplayName ?? "Member"))];

    // The form shows the episode's members and its sessions: a clinical read, audited per member like the episode page.
    private async Task AuditReadAsync(string recordType, Guid recordId, CareEpisode episode, CancellationToken cancellationToken)
    {
        var audit = new AuditTrail(db);
        foreach (var member in episode.Members)
        {
            await audit.RecordReadAsync(recordType, recordId, episode.PracticeId, member.ClientId, cancellationToken);
        }
    }
}
