using Microsoft.EntityFrameworkCore;
using Rapport.Access;
using Rapport.MyCare;
using Rapport.Persistence;
using Rapport.Sessions;

namespace Rapport.Tests.MyCare;

/// <summary>In a couple or group, a client's own page counts the sessions they came to, not the ones their partner came to alone.</summary>
public sealed class MyCareAttendanceTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task SessionAPartnerCameToAlone_IsNotCountedAsAttendedForTheOther(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var client11 = await database.ClientIdAsync(Personas.Client11);
        var client12 = await database.ClientIdAsync(Personas.Client12);
        Guid episodeId;
        await using (var system = database.Open(Viewer.System))
        {
            episodeId = await system.EpisodeMembers.Where(m => m.ClientId == client11 && m.Episode!.Members.Any(o => o.ClientId == client12))
                .Select(m => m.EpisodeId).SingleAsync();
        }

        async Task<(int Listed, int? Judged)> AttendedAsync(string email)
        {
            await using var dbScope = await database.As(email);
            var db = dbScope.Db;
            var episode = (await dbScope.Get<GetMyCare>().HandleAsync())!.Episodes.Single(e => e.Id == episodeId);
            var export = (await dbScope.Get<ExportMyRecord>().HandleAsync())!;
            var listed = episode.Sessions.Count(s => s.Status == SessionStatus.Attended);
            // The export says the same as the page.
            Assert.Contains(export.Episodes, x => x.StartedOn == episode.StartedOn && x.Sessions.Count(s => s.Status == SessionStatus.Attended) == listed);
            return (listed, episode.MyProgress.Outcome?.AttendedSessions);
        }

        async Task<int?> JudgedByTherapistAsync()
        {
            await using var dbScope = await database.As(Personas.Therapist1);
            var db = dbScope.Db;
            return (await dbScope.Get<Rapport.Clients.GetClientRecord>().HandleAsync(client12))!.Episodes.Single(e => e.Id == episodeId).Progress.Outcome?.AttendedSessions;
        }

        var before = await AttendedAsync(Personas.Client12);
        var judgedBefore = await JudgedByTherapistAsync();
        var london = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");
        var start = TimeZoneInfo.ConvertTimeFromUtc(DateTime.UtcNow.AddHours(-1), london);
        await using (var therapistScope = await database.As(Personas.Therapist1))
        {
            var therapist = therapistScope.Db;
            var outcome = await therapistScope.Get<RecordSession>().AddAsync(episodeId, new()
            {
                Date = DateOnly.FromDateTime(start),
                Time = TimeOnly.FromDateTime(start),
                DurationMinutes = 50,
                Status = SessionStatus.Attended,
                Attendees = [client11],
            });
            Assert.True(outcome.Succeeded, string.Join("; ", outcome.Errors.Values));
        }

        // client12 was not there: their page (and the NHS "finished treatment" count behind their progress) is unchanged.
        Assert.Equal(before, await AttendedAsync(Personas.Client12));
        Assert.Equal(judgedBefore, await JudgedByTherapistAsync());
        var came = await AttendedAsync(Personas.Client11);
        Assert.Equal(before.Listed + 1, came.Listed);
    }
}
