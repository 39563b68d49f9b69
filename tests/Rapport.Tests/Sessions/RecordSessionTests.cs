using Microsoft.EntityFrameworkCore;
using Rapport.Access;
using Rapport.Audit;
using Rapport.Measures;
using Rapport.Persistence;
using Rapport.Sessions;

namespace Rapport.Tests.Sessions;

/// <summary>The care team records sessions; the schedule and who came drive what each member is asked.</summary>
public sealed class RecordSessionTests
{
    private static async Task<(Guid EpisodeId, Guid Client11, Guid Client12)> CoupleAsync(TestDatabase database)
    {
        var client11 = await database.ClientIdAsync(Personas.Client11);
        var client12 = await database.ClientIdAsync(Personas.Client12);
        await using var dbScope = database.As(Viewer.System);
        var db = dbScope.Db;
        var episodeId = await db.EpisodeMembers.Where(m => m.ClientId == client11 && m.Episode!.Members.Any(o => o.ClientId == client12))
            .Select(m => m.EpisodeId).SingleAsync();
        return (episodeId, client11, client12);
    }

    private static RecordSession.Form Attended(DateTime localStart, params Guid[] attendees) => new()
    {
        Date = DateOnly.FromDateTime(localStart),
        Time = TimeOnly.FromDateTime(localStart),
        DurationMinutes = 50,
        Setting = SessionSetting.Video,
        Status = SessionStatus.Attended,
        Attendees = [.. attendees],
    };

    private static async Task<IReadOnlyList<DueMeasure>> DueAsync(TestDatabase database, Guid episodeId, Guid clientId)
    {
        await using var dbScope = database.As(Viewer.System);
        var db = dbScope.Db;
        var episode = await db.Episodes.SingleAsync(e => e.Id == episodeId);
        var schedule = await MeasurementPlanQueries.LoadScheduleAsync(db, episode, CancellationToken.None);
        var answers = await db.MeasureResponses.Where(r => r.EpisodeId == episodeId && r.ClientId == clientId)
            .Select(r => new MeasurementPlan.Answered(r.InstrumentId, r.SubmittedAt)).ToListAsync();
        // Every instrument counts as askable here: these tests are about attendance, not about imported wording.
        var everything = Rapport.Clinical.Instruments.InstrumentCatalog.All.Select(i => i.Id).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return MeasurementPlan.DueForMember(schedule, clientId, answers, everything, DateTime.UtcNow);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AttendedCoupleSession_MakesTheAllianceCheckDueForWhoCame_NotForTheAbsentPartner(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (episodeId, client11, client12) = await CoupleAsync(database);
        // An hour ago, in London (the demo practice's zone).
        var london = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");
        var start = TimeZoneInfo.ConvertTimeFromUtc(DateTime.UtcNow.AddHours(-1), london);

        RecordSession.Saved session;
        await using (var dbScope = await database.As(Personas.Therapist1))
        {
            var db = dbScope.Db;
            var outcome = await dbScope.Get<RecordSession>().AddAsync(episodeId, Attended(start, client11));
            Assert.True(outcome.Succeeded, string.Join("; ", outcome.Errors.Values));
            session = outcome.Value!;
        }

        Assert.Equal(session.Id, (await DueAsync(database, episodeId, client11)).Single(d => d.InstrumentId == "rapport-session-check").ForSession);
        Assert.DoesNotContain(await DueAsync(database, episodeId, client12), d => d.ForSession == session.Id && d.InstrumentId == "rapport-session-check");

        await using var system = database.Open(Viewer.System);
        var numbers = await system.Sessions.Where(s => s.EpisodeId == episodeId).OrderBy(s => s.StartsAt).Select(s => s.Number).ToListAsync();
        Assert.Equal(Enumerable.Range(1, numbers.Count), numbers);
        var stored = await system.Sessions.Include(s => s.Attendees).SingleAsync(s => s.Id == session.Id);
        Assert.Equal((SessionSetting.Video, 50), (stored.Setting, stored.DurationMinutes));
        Assert.Equal([client11], stored.Attendees.Select(a => a.ClientId));
        Assert.True(await system.AuditEntries.AnyAsync(a => a.RecordType == nameof(Session) && a.RecordId == session.Id.ToString() && a.Action == AuditAction.Create && a.ActorName != "Rapport"));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task SessionBookedBetweenOthers_KeepsTheNumbersInDateOrder(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (episodeId, client11, client12) = await CoupleAsync(database);
        await using var dbScope = await database.As(Personas.Therapist1);
        var db = dbScope.Db;
        var second = await db.Sessions.Where(s => s.EpisodeId == episodeId && s.Number == 2).Select(s => s.StartsAt).SingleAsync();

        var outcome = await dbScope.Get<RecordSession>().AddAsync(episodeId, Attended(second.AddDays(-1), client11, client12));

        Assert.True(outcome.Succeeded, string.Join("; ", outcome.Errors.Values));
        Assert.Equal(2, outcome.Value!.Number);
        var numbers = await db.Sessions.Where(s => s.EpisodeId == episodeId).OrderBy(s => s.StartsAt).Select(s => s.Number).ToListAsync();
        Assert.Equal(Enumerable.Range(1, numbers.Count), numbers);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task MemberWhoLeft_IsNotListed_AndCannotBeRecordedAsComingAfterwards(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (episodeId, client11, client12) = await CoupleAsync(database);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        await using (var system = database.Open(Viewer.System))
        {
            var member = await system.EpisodeMembers.SingleAsync(m => m.EpisodeId == episodeId && m.ClientId == client12);
            member.LeftOn = today.AddDays(-3);
            await system.SaveChangesAsync();
        }

        await using var dbScope = await database.As(Personas.Therapist1);
        var db = dbScope.Db;
        var record = dbScope.Get<RecordSession>();
        var before = await db.Sessions.CountAsync(s => s.EpisodeId == episodeId);

        var form = (await record.NewAsync(episodeId))!;
        var afterLeaving = await record.AddAsync(episodeId, Attended(DateTime.UtcNow.AddDays(-1), client11, client12));

        Assert.Equal([client11], form.Members.Select(m => m.ClientId));
        Assert.Equal([client11], form.Form.Attendees);
        Assert.Contains("left this episode on", afterLeaving.Errors["Attendees"], StringComparison.Ordinal);
        Assert.Equal(before, await db.Sessions.CountAsync(s => s.EpisodeId == episodeId));
        // A session before they left still lists them.
        var earlier = await db.Sessions.Where(s => s.EpisodeId == episodeId && s.StartsAt < today.AddDays(-4).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc)).Select(s => s.Id).FirstAsync();
        Assert.Contains(client12, (await record.EditAsync(earlier))!.Members.Select(m => m.ClientId));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task OpeningTheSessionOrInRoomPage_IsAnAuditedReadForEachMember(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (episodeId, client11, client12) = await CoupleAsync(database);
        await using var dbScope = await database.As(Personas.Therapist1);
        var db = dbScope.Db;
        var sessionId = await db.Sessions.Where(s => s.EpisodeId == episodeId).Select(s => s.Id).FirstAsync();

        await dbScope.Get<RecordSession>().NewAsync(episodeId);
        await dbScope.Get<RecordSession>().EditAsync(sessionId);
        await new global::Rapport.InRoom.StartInRoomCheckIn(db, TimeProvider.System).LoadAsync(episodeId);

        await using var system = database.Open(Viewer.System);
        var reads = await system.AuditEntries.Where(a => a.Action == AuditAction.Read && a.ActorName != "Rapport")
            .Select(a => new { a.RecordType, a.RecordId, a.ClientId }).ToListAsync();
        foreach (var member in new[] { client11, client12 })
        {
            Assert.Equal(2, reads.Count(r => r.RecordType == "CareEpisode" && r.RecordId == episodeId.ToString() && r.ClientId == member));
            Assert.Single(reads, r => r.RecordType == nameof(Session) && r.RecordId == sessionId.ToString() && r.ClientId == member);
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task TwoSessionsAddedAtTheSameMoment_GetDifferentNumbers(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (episodeId, client11, client12) = await CoupleAsync(database);
        var therapist = await database.ViewerForAsync(Personas.Therapist1);
        await using var firstScope = database.As(therapist);
        var first = firstScope.Db;
        var ran = false;
        Task<Outcome<RecordSession.Saved>>? secondSave = null;
        // The second save starts while the first is saving, after the first read the episode's sessions. It is not
        // waited for here: the first holds the database's write lock (SQLite) or its practice's audit-chain lock
        // (PostgreSQL) until it commits, so the second queues behind it, finds the episode changed and saves again.
        first.SavingChanges += (_, _) =>
        {
            if (ran)
            {
                return;
            }

            ran = true;
            secondSave = Task.Run(async () =>
            {
                await using var secondScope = database.As(therapist);
                return await secondScope.Get<RecordSession>().AddAsync(episodeId, Attended(DateTime.UtcNow.AddHours(-3), client11, client12));
            });
        };

        var outcome = await firstScope.Get<RecordSession>().AddAsync(episodeId, Attended(DateTime.UtcNow.AddHours(-2), client11));
        var second = await secondSave!;

        Assert.True(ran);
        Assert.True(outcome.Succeeded, string.Join("; ", outcome.Errors.Values));
        Assert.True(second.Succeeded, string.Join("; ", second.Errors.Values));
        await using var system = database.Open(Viewer.System);
        var numbers = await system.Sessions.Where(s => s.EpisodeId == episodeId).OrderBy(s => s.StartsAt).Select(s => s.Number).ToListAsync();
        Assert.Equal(Enumerable.Range(1, numbers.Count), numbers);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task BadInput_IsRefusedWithAClearError_AndChangesNothing(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (episodeId, client11, _) = await CoupleAsync(database);
        var stranger = await database.ClientIdAsync(Personas.Client1);
        var start = DateTime.UtcNow.AddHours(-2);
        await using var dbScope = await database.As(Personas.Therapist1);
        var db = dbScope.Db;
        var record = dbScope.Get<RecordSession>();
        var before = await db.Sessions.CountAsync(s => s.EpisodeId == episodeId);

        var nobody = await record.AddAsync(episodeId, Attended(start));
        var valid = await record.AddAsync(episodeId, Attended(start, client11));
        var shortForm = Attended(start, client11);
        shortForm.DurationMinutes = 4;
        var longForm = Attended(start, client11);
        longForm.DurationMinutes = 241;
        var notMember = await record.AddAsync(episodeId, Attended(start, client11, stranger));
        var futureAttended = await record.AddAsync(episodeId, Attended(DateTime.UtcNow.AddDays(3), client11));

        Assert.Equal("Tick who came. If nobody came, record the session as missed.", nobody.Errors["Attendees"]);
        Assert.Contains("between 5 and 240 minutes", (await record.AddAsync(episodeId, shortForm)).Errors["DurationMinutes"], StringComparison.Ordinal);
        Assert.Contains("between 5 and 240 minutes", (await record.AddAsync(episodeId, longForm)).Errors["DurationMinutes"], StringComparison.Ordinal);
        Assert.Equal("Only members of this episode can attend its sessions.", notMember.Errors["Attendees"]);
        Assert.True(futureAttended.Errors.ContainsKey("Status"));
        Assert.True(valid.Succeeded);
        Assert.Equal(before + 1, await db.Sessions.CountAsync(s => s.EpisodeId == episodeId));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task StaleVersion_IsAConflict_AndTheFirstEditStands(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (episodeId, _, _) = await CoupleAsync(database);
        var therapist = await database.ViewerForAsync(Personas.Therapist1);
        var (sessionId, stale) = await OpenScheduledSessionFormAsync(database, therapist, episodeId);

        await using (var firstScope = database.As(therapist))
        {
            var first = firstScope.Db;
            var form = (await firstScope.Get<RecordSession>().EditAsync(sessionId))!.Form;
            form.DurationMinutes = 80;
            Assert.True((await firstScope.Get<RecordSession>().UpdateAsync(sessionId, form)).Succeeded);
        }

        await using var secondScope = database.As(therapist);
        var second = secondScope.Db;
        stale.DurationMinutes = 30;
        stale.Setting = SessionSetting.Phone;
        var outcome = await secondScope.Get<RecordSession>().UpdateAsync(sessionId, stale);

        Assert.Contains("Someone else changed this session", outcome.Errors["Version"], StringComparison.Ordinal);
        await using var check = database.Open(Viewer.System);
        Assert.Equal(80, await check.Sessions.Where(s => s.Id == sessionId).Select(s => s.DurationMinutes).SingleAsync());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ChangingOnlyWhoCame_IsAnEditToo_SoAStaleFormCannotUndoIt(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (episodeId, client11, client12) = await CoupleAsync(database);
        var therapist = await database.ViewerForAsync(Personas.Therapist1);
        var (sessionId, stale) = await OpenScheduledSessionFormAsync(database, therapist, episodeId);

        await using (var firstScope = database.As(therapist))
        {
            var first = firstScope.Db;
            // Only the expected members change: client12 will not come.
            var form = (await firstScope.Get<RecordSession>().EditAsync(sessionId))!.Form;
            form.Attendees = [client11];
            Assert.True((await firstScope.Get<RecordSession>().UpdateAsync(sessionId, form)).Succeeded);
        }

        await using var secondScope = database.As(therapist);
        var second = secondScope.Db;
        stale.Attendees = [client11, client12];
        stale.Setting = SessionSetting.Phone;
        var outcome = await secondScope.Get<RecordSession>().UpdateAsync(sessionId, stale);

        Assert.Contains("Someone else changed this session", outcome.Errors["Version"], StringComparison.Ordinal);
        await using var check = database.Open(Viewer.System);
        Assert.Equal([client11], await check.Sessions.Where(s => s.Id == sessionId).SelectMany(s => s.Attendees.Select(a => a.ClientId)).ToListAsync());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task OnlyTheCareTeam_RecordsSessions_NotTheSupervisorNorAnotherTherapist(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (episodeId, client11, _) = await CoupleAsync(database);
        foreach (var email in new[] { Personas.Supervisor, Personas.Therapist2, Personas.Client11, Personas.HarbourAdmin })
        {
            await using var dbScope = await database.As(email);
            var db = dbScope.Db;
            var record = dbScope.Get<RecordSession>();
            Assert.Null(await record.NewAsync(episodeId));
            Assert.True((await record.AddAsync(episodeId, Attended(DateTime.UtcNow.AddHours(-2), client11))).NotFound, email);
        }
    }

    /// <summary>The edit form of the episode's next booked session, as a therapist opened it before someone else saved.</summary>
    private static async Task<(Guid SessionId, RecordSession.Form Form)> OpenScheduledSessionFormAsync(TestDatabase database, Viewer therapist, Guid episodeId)
    {
        await using var dbScope = database.As(therapist);
        var db = dbScope.Db;
        var sessionId = await db.Sessions.Where(s => s.EpisodeId == episodeId && s.Status == SessionStatus.Scheduled).Select(s => s.Id).FirstAsync();
        return (sessionId, (await dbScope.Get<RecordSession>().EditAsync(sessionId))!.Form);
    }
}
