using Rapport.Audit;
using Microsoft.EntityFrameworkCore;
using Rapport.Access;
using Rapport.Episodes;
using Rapport.Persistence;

namespace Rapport.Tests.Episodes;

/// <summary>The care team's view of a couple or a group: every member side by side, the split alliance, and nobody else.</summary>
public sealed class EpisodeViewTests
{
    private static async Task<Guid> EpisodeOfAsync(TestDatabase database, string email, EpisodeFormat format)
    {
        var client = await database.ClientIdAsync(email);
        await using var dbScope = database.As(Viewer.System);
        var db = dbScope.Db;
        return await db.EpisodeMembers.Where(m => m.ClientId == client && m.Episode!.Format == format).Select(m => m.EpisodeId).SingleAsync();
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task CareTeam_SeesBothPartners_AndTheSplitAllianceInWordsAndNumbers(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var couple = await EpisodeOfAsync(database, Personas.Client11, EpisodeFormat.Couple);

        await using var dbScope = await database.As(Personas.Therapist1);
        var db = dbScope.Db;
        var view = await dbScope.Get<GetEpisodeView>().HandleAsync(couple);

        Assert.NotNull(view);
        Assert.Equal(2, view.Members.Count);
        Assert.All(view.Members, m => Assert.NotNull(m.Alliance));
        Assert.All(view.Members, m => Assert.NotNull(m.Phq9));
        // The demo couple's last session: one partner's alliance fell, the other's did not (as on the dashboard).
        var split = view.Split;
        Assert.NotNull(split);
        Assert.True(split.Highest - split.Lowest > split.Threshold);
        Assert.Contains($"rated the session {split.Lowest}", split.Text, StringComparison.Ordinal);
        Assert.Contains("more than the reliable change", split.Text, StringComparison.Ordinal);
        Assert.Equal(2, view.LatestShared!.Totals.Count);
        // One read naming both partners, so it is in each one's access list.
        var read = await db.AuditEntries.SingleAsync(a => a.RecordType == nameof(CareEpisode) && a.RecordId == couple.ToString());
        Assert.Equal(2, AuditEntriesConcerning.Parse(read.Subjects).Count);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task GroupView_ShowsEveryMember_WithAttendanceTrendAndWhatIsDue(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var group = await EpisodeOfAsync(database, Personas.Client35, EpisodeFormat.Group);

        // therapist3 co-leads; the supervisor supervises both leaders.
        foreach (var email in new[] { Personas.Therapist3, Personas.Supervisor })
        {
            await using var dbScope = await database.As(email);
            var db = dbScope.Db;
            var view = await dbScope.Get<GetEpisodeView>().HandleAsync(group);
            Assert.NotNull(view);
            Assert.Equal(EpisodeFormat.Group, view.Format);
            Assert.Equal(6, view.Members.Count);
            Assert.All(view.Members, m => Assert.True(m.Held > 0 && m.Attended == m.Held, $"{m.Name}: {m.Attended} of {m.Held}"));
            Assert.All(view.Members, m => Assert.Contains(m.AllianceTrend, new[] { "rising", "falling", "steady", "too few sessions to tell" }));
            Assert.All(view.Members, m => Assert.Contains(m.Due, d => d.InstrumentId == "phq-9"));
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task WhatIsDue_FollowsWhoCameAndThePracticePlan_AsTheCheckInDoes(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var couple = await EpisodeOfAsync(database, Personas.Client11, EpisodeFormat.Couple);
        var client11 = await database.ClientIdAsync(Personas.Client11);
        var client12 = await database.ClientIdAsync(Personas.Client12);
        await using (var system = database.Open(Viewer.System))
        {
            // The practice asks only PHQ-9 before sessions and the Session Check after them (no GAD-7, no C-NIP).
            var practiceId = await system.Episodes.Where(e => e.Id == couple).Select(e => e.PracticeId).SingleAsync();
            var practice = await system.Practices.SingleAsync(p => p.Id == practiceId);
            practice.MeasurementPlan = "phq-9:BeforeEachSession,rapport-session-check:AfterEachSession";
            await system.SaveChangesAsync();
        }

        var london = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");
        Rapport.Sessions.RecordSession.Saved session;
        await using (var dbScope = await database.As(Personas.Therapist1))
        {
            var db = dbScope.Db;
            // An hour ago; only client11 came.
            var start = TimeZoneInfo.ConvertTimeFromUtc(DateTime.UtcNow.AddHours(-1), london);
            var outcome = await dbScope.Get<Rapport.Sessions.RecordSession>().AddAsync(couple, new()
            {
                Date = DateOnly.FromDateTime(start),
                Time = TimeOnly.FromDateTime(start),
                DurationMinutes = 50,
                Status = Rapport.Sessions.SessionStatus.Attended,
                Attendees = [client11],
            });
            Assert.True(outcome.Succeeded, string.Join("; ", outcome.Errors.Values));
            session = outcome.Value!;
        }

        await using var therapistScope = await database.As(Personas.Therapist1);
        var therapist = therapistScope.Db;
        var view = await therapistScope.Get<GetEpisodeView>().HandleAsync(couple);

        Assert.NotNull(view);
        var came = view.Members.Single(m => m.ClientId == client11);
        var absent = view.Members.Single(m => m.ClientId == client12);
        Assert.Contains(came.Due, d => d.InstrumentId == "rapport-session-check" && d.ForSession == session.Id);
        // Not asked about a session they were not at (the check-in and the dashboard do not ask either).
        Assert.DoesNotContain(absent.Due, d => d.InstrumentId == "rapport-session-check" && d.ForSession == session.Id);
        Assert.All(view.Members, m => Assert.DoesNotContain(m.Due, d => d.InstrumentId is "gad-7" or "c-nip"));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task EveryoneElse_GetsNothing_NotEvenAMember(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var couple = await EpisodeOfAsync(database, Personas.Client11, EpisodeFormat.Couple);

        foreach (var email in new[] { Personas.Therapist2, Personas.HarbourAdmin, Personas.NorthsideTherapist, Personas.Client11, Personas.Client12 })
        {
            await using var dbScope = await database.As(email);
            var db = dbScope.Db;
            Assert.Null(await dbScope.Get<GetEpisodeView>().HandleAsync(couple));
        }
    }
}
