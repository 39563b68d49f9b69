using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Rapport.Access;
using Rapport.Clinical.Instruments;
using Rapport.Email;
using Rapport.Persistence;
using Rapport.Reminders;

namespace Rapport.Tests.Reminders;

/// <summary>Emailed check-in reminders: once per due session, opt-out, quiet hours, no clinical content.</summary>
public sealed class CheckInReminderTests
{
    private const string Client3 = Personas.Client3;

    // Midday in London tomorrow: outside the default quiet hours whatever time the tests run.
    private static FakeTimeProvider Midday() => new(new DateTimeOffset(DateTime.UtcNow.Date.AddDays(1).AddHours(12), TimeSpan.Zero));

    // One round of the reminder job, as the job runs it: the feature from a system scope, on the database's clock and mailer.
    private static Task<int> RunAsync(PersonaScope system) => system.Get<SendCheckInReminders>().HandleAsync();

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task DueCheckIn_IsRemindedOnce_EvenAcrossRunsAndInstances(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var clock = Midday();
        database.Clock = clock;
        var mailer = database.Mailer;

        await using (var dbScope = database.As(Viewer.System))
        {
            var db = dbScope.Db;
            Assert.True(await RunAsync(dbScope) > 0);
            Assert.Equal(0, await RunAsync(dbScope));
        }

        // A second app instance (its own context), and a restart later the same day: nothing new is due, nothing is sent.
        clock.Advance(TimeSpan.FromHours(2));
        await using (var other = database.As(Viewer.System))
        {
            Assert.Equal(0, await RunAsync(other));
        }

        Assert.Single(mailer.Sent, m => m.To == Client3);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task TwoInstancesRunningAtOnce_SendEachReminderOnce(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var clock = Midday();
        database.Clock = clock;
        var mailer = database.Mailer;
        await using var first = database.As(Viewer.System);
        await using var second = database.As(Viewer.System);

        await Task.WhenAll(RunAsync(first), RunAsync(second));

        Assert.NotEmpty(mailer.Sent);
        Assert.Single(mailer.Sent, m => m.To == Client3);
        await using var dbScope = database.As(Viewer.System);
        var db = dbScope.Db;
        Assert.Equal(await db.CheckInReminders.Select(r => new { r.ClientId, r.EpisodeId }).Distinct().CountAsync(), mailer.Sent.Count);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ClientWhoTurnedRemindersOff_IsNotEmailed(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        database.Clock = Midday();
        var clientId = await database.ClientIdAsync(Client3);
        await using (var clientScope = await database.As(Client3))
        {
            var client = clientScope.Db;
            Assert.True((await clientScope.Get<ChangeReminders>().HandleAsync(on: false)).Succeeded);
        }

        var mailer = database.Mailer;
        await using var dbScope = database.As(Viewer.System);
        var db = dbScope.Db;
        await RunAsync(dbScope);

        Assert.NotEmpty(mailer.Sent);
        Assert.DoesNotContain(mailer.Sent, m => m.To == Client3);
        Assert.False(await db.CheckInReminders.AnyAsync(r => r.ClientId == clientId));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ReminderDueInQuietHours_WaitsUntilTheyEnd(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        // 22:30 in London (UTC in winter, UTC+1 in summer: 21:30 UTC is inside 21:00–08:00 either way).
        var clock = new FakeTimeProvider(new DateTimeOffset(DateTime.UtcNow.Date.AddDays(1).AddHours(21.5), TimeSpan.Zero));
        database.Clock = clock;
        var mailer = database.Mailer;
        await using var dbScope = database.As(Viewer.System);
        var db = dbScope.Db;

        Assert.Equal(0, await RunAsync(dbScope));
        clock.Advance(TimeSpan.FromHours(6));
        Assert.Equal(0, await RunAsync(dbScope));
        clock.Advance(TimeSpan.FromHours(5));
        Assert.True(await RunAsync(dbScope) > 0);

        Assert.Single(mailer.Sent, m => m.To == Client3);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Reminder_CarriesNoClinicalContent_OnlyTheLinkToSignIn(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        database.Clock = Midday();
        var mailer = database.Mailer;
        await using var dbScope = database.As(Viewer.System);
        var db = dbScope.Db;
        await RunAsync(dbScope);
        var names = await db.StaffMembers.Select(s => s.DisplayName).ToListAsync();

        var mail = Assert.Single(mailer.Sent, m => m.To == Client3);
        Assert.Equal("You have a check-in waiting", mail.Subject);
        Assert.Contains("You have a check-in waiting. Sign in to Rapport to answer it", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("https://rapport.example/check-in", mail.TextBody, StringComparison.Ordinal);
        foreach (var text in new[] { mail.Subject, mail.TextBody })
        {
            Assert.DoesNotContain(InstrumentCatalog.All, i => text.Contains(i.Title, StringComparison.OrdinalIgnoreCase) || text.Contains(i.Id, StringComparison.OrdinalIgnoreCase));
            Assert.DoesNotContain("PHQ", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("score", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(names, n => text.Contains(n, StringComparison.Ordinal));
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AllianceCheckAfterASession_IsReminded_EvenThoughTheCheckInBeforeItWas(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var clientId = await database.ClientIdAsync(Client3);
        var clock = Midday();
        database.Clock = clock;
        var now = clock.GetUtcNow().UtcDateTime;
        Guid sessionId;
        await using (var setup = database.Open(Viewer.System))
        {
            // One booked session, two hours from now, and the check-in before it not yet answered.
            var episodeId = await setup.EpisodeMembers.Where(m => m.ClientId == clientId && m.LeftOn == null && m.Episode!.Status != Rapport.Episodes.EpisodeStatus.Ended)
                .Select(m => m.EpisodeId).FirstAsync();
            var booked = await setup.Sessions.Where(s => s.EpisodeId == episodeId && s.Status == Rapport.Sessions.SessionStatus.Scheduled).OrderBy(s => s.StartsAt).ToListAsync();
            Assert.NotEmpty(booked);
            booked[0].StartsAt = now.AddHours(2);
            booked.Skip(1).ToList().ForEach(s => s.Status = Rapport.Sessions.SessionStatus.Cancelled);
            var lastHeld = await setup.Sessions.Where(s => s.EpisodeId == episodeId && s.Status == Rapport.Sessions.SessionStatus.Attended).MaxAsync(s => (DateTime?)s.StartsAt) ?? DateTime.MinValue;
            setup.MeasureResponses.RemoveRange(await setup.MeasureResponses.Where(r => r.ClientId == clientId && r.EpisodeId == episodeId && r.SubmittedAt >= lastHeld).ToListAsync());
            await setup.SaveChangesAsync();
            sessionId = booked[0].Id;
        }

        var mailer = database.Mailer;
        await using (var dbScope = database.As(Viewer.System))
        {
            var db = dbScope.Db;
            await RunAsync(dbScope);
        }

        Assert.Single(mailer.Sent, m => m.To == Client3);

        // The session is held (and nothing else is booked): now the Session Check about it is waiting.
        await using (var setup = database.Open(Viewer.System))
        {
            var session = await setup.Sessions.SingleAsync(s => s.Id == sessionId);
            session.Status = Rapport.Sessions.SessionStatus.Attended;
            await setup.SaveChangesAsync();
        }

        clock.Advance(TimeSpan.FromHours(3));
        await using (var dbScope = database.As(Viewer.System))
        {
            var db = dbScope.Db;
            await RunAsync(dbScope);
            Assert.Equal(0, await RunAsync(dbScope));
        }

        Assert.Equal(2, mailer.Sent.Count(m => m.To == Client3));
    }

    [Fact]
    public void QuietHours_CrossMidnight_InThePracticesTimeZone()
    {
        var practice = new Rapport.Practices.Practice { Name = "P", Slug = "p", TimeZone = "America/New_York" };

        // 02:30 UTC is 21:30 in New York in winter: quiet; 13:00 UTC is 08:00 there: no longer quiet.
        Assert.True(SendCheckInReminders.InQuietHours(practice, new DateTime(2026, 1, 15, 2, 30, 0, DateTimeKind.Utc)));
        Assert.False(SendCheckInReminders.InQuietHours(practice, new DateTime(2026, 1, 15, 13, 0, 0, DateTimeKind.Utc)));
        Assert.False(SendCheckInReminders.InQuietHours(practice, new DateTime(2026, 1, 15, 1, 30, 0, DateTimeKind.Utc)));
    }
}
