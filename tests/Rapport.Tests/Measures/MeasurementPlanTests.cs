using Rapport.Measures;
using Rapport.Sessions;
using static Rapport.Measures.MeasurementPlan;

namespace Rapport.Tests.Measures;

/// <summary>What is due when, from the session schedule: pure rules, no database.</summary>
public sealed class MeasurementPlanTests
{
    private static readonly DateTime Now = new(2026, 11, 23, 12, 0, 0, DateTimeKind.Utc);

    private static SessionSlot Held(int daysAgo) => new(Guid.NewGuid(), Now.AddDays(-daysAgo), 50, SessionStatus.Attended);

    private static SessionSlot Booked(double daysAhead) => new(Guid.NewGuid(), Now.AddDays(daysAhead), 50, SessionStatus.Scheduled);

    [Fact]
    public void NewEpisode_AsksSymptomsBeforeTheFirstSession_AndPreferencesAtTheStart()
    {
        var next = Booked(3);

        var due = Due(Default, [next], [], Now);

        Assert.Equal(["phq-9", "gad-7", "c-nip"], due.Select(d => d.InstrumentId));
        Assert.All(due.Where(d => d.InstrumentId != "c-nip"), d => Assert.Equal((next.Id, false), (d.ForSession, d.Overdue)));
    }

    [Fact]
    public void AfterASession_TheSessionCheckIsDue_AndSymptomsAgainForTheNextSession()
    {
        var last = Held(1);
        var due = Due(Default, [last, Booked(6)], [new("phq-9", last.StartsAt.AddMinutes(-30)), new("gad-7", last.StartsAt.AddMinutes(-30)), new("c-nip", Now.AddDays(-8))], Now);

        Assert.Equal(["phq-9", "gad-7", "rapport-session-check"], due.Select(d => d.InstrumentId));
        Assert.Equal(last.Id, due.Single(d => d.InstrumentId == "rapport-session-check").ForSession);
        Assert.All(due, d => Assert.False(d.Overdue));
    }

    [Fact]
    public void SymptomsNotGivenWhenTheNextSessionStarted_AreOverdue_AndAnUnansweredSessionCheckAfterTwoDays()
    {
        var last = Held(3);
        var started = new SessionSlot(Guid.NewGuid(), Now.AddMinutes(-10), 50, SessionStatus.Scheduled);

        var due = Due(For("phq-9,rapport-session-check"), [last, started], [new("phq-9", last.StartsAt.AddHours(-2))], Now);

        Assert.Equal(["phq-9", "rapport-session-check"], due.Select(d => d.InstrumentId));
        Assert.All(due, d => Assert.True(d.Overdue));
    }

    [Fact]
    public void Preferences_AreAskedAgainAfterSixSessions()
    {
        var sessions = Enumerable.Range(1, 6).Select(i => Held(7 * i)).Append(Booked(2)).ToList();
        var askedBeforeAll = new Answered("c-nip", Now.AddDays(-50));
        var askedAfterTwo = new Answered("c-nip", Now.AddDays(-30));

        Assert.Contains(Due(For("c-nip"), sessions, [askedBeforeAll], Now), d => d.InstrumentId == "c-nip");
        Assert.Empty(Due(For("c-nip"), sessions, [askedAfterTwo], Now));
    }

    [Fact]
    public void EpisodeOverride_NarrowsTheDefaultPlan_AndIgnoresUnknownIds()
    {
        Assert.Equal(["gad-7"], For(" gad-7 , not-an-instrument").Select(p => p.InstrumentId));
        Assert.Same(Default, For(null));
    }

    [Fact]
    public void StoredPlan_WithTimings_RoundTrips_AndTheEpisodePlanWinsOverThePracticeDefault()
    {
        IReadOnlyList<PlannedMeasure> plan = [new("gad-7", MeasureTiming.AfterEachSession), new("phq-9", MeasureTiming.BeforeEachSession)];

        Assert.Equal(plan, Parse(Format(plan)));
        Assert.Equal(plan, For(Format(plan), "phq-9"));
        Assert.Equal(["phq-9"], For(null, "phq-9").Select(p => p.InstrumentId));
        Assert.Same(Default, For(null, null));
    }

    [Fact]
    public void ChangingTheTiming_ChangesWhatIsDue()
    {
        var last = Held(1);
        var sessions = new[] { last, Booked(6) };

        Assert.Equal(last.Id, Assert.Single(Due(Parse("gad-7:AfterEachSession"), sessions, [], Now)).ForSession);
        Assert.Equal(sessions[1].Id, Assert.Single(Due(Parse("gad-7:BeforeEachSession"), sessions, [], Now)).ForSession);
    }

    [Fact]
    public void SessionCheck_IsDueForEachMemberWhoCame_NotForOneWhoWasAbsent()
    {
        var present = Guid.NewGuid();
        var absent = Guid.NewGuid();
        var last = Held(1);
        var attendees = new[] { (last.Id, present) }.ToLookup(a => a.Item1, a => a.Item2);

        var forPresent = Due(For("rapport-session-check"), ForMember([last], attendees, present), [], Now);
        var forAbsent = Due(For("rapport-session-check"), ForMember([last], attendees, absent), [], Now);

        Assert.Equal(last.Id, Assert.Single(forPresent).ForSession);
        Assert.Empty(forAbsent);
    }
}
