using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Rapport.Access;
using Rapport.Administration;
using Rapport.InRoom;
using Rapport.Persistence;

namespace Rapport.Tests.InRoom;

/// <summary>The in-room QR pass: short-lived, single-use, only for its member; and the admin's quiet hours.</summary>
public sealed class InRoomCheckInTests
{
    private static async Task<(Guid EpisodeId, Guid ClientId)> EpisodeOfAsync(TestDatabase database, string email)
    {
        var clientId = await database.ClientIdAsync(email);
        await using var db = database.Open(Viewer.System);
        var episodeId = await db.EpisodeMembers.Where(m => m.ClientId == clientId && m.Episode!.Status != global::Rapport.Episodes.EpisodeStatus.Ended).Select(m => m.EpisodeId).FirstAsync();
        return (episodeId, clientId);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task QrPass_ExpiresAfterFifteenMinutes(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (episodeId, clientId) = await EpisodeOfAsync(database, Personas.Client3);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        database.Clock = clock;
        string token;
        await using (var therapistScope = await database.As(Personas.Therapist1))
        {
            var therapist = therapistScope.Db;
            var pass = await therapistScope.Get<StartInRoomCheckIn>().CreatePassAsync(episodeId, clientId);
            Assert.True(pass.Succeeded, string.Join("; ", pass.Errors.Values));
            token = pass.Value!.Token;
        }

        clock.Advance(TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(1));
        await using var clientScope = await database.As(Personas.Client3);
        var client = clientScope.Db;
        var outcome = await clientScope.Get<RedeemInRoomPass>().HandleAsync(token);

        Assert.Equal(RedeemInRoomPass.Unusable, outcome.Errors["Token"]);
        Assert.Null(await client.InRoomPasses.Select(p => p.UsedAt).SingleAsync());
        // Only the hash is kept.
        Assert.DoesNotContain(token, await client.InRoomPasses.Select(p => p.TokenHash).SingleAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task QrPass_OpenedTwiceAtOnce_WorksOnlyOnce(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (episodeId, clientId) = await EpisodeOfAsync(database, Personas.Client3);
        string token;
        await using (var therapistScope = await database.As(Personas.Therapist1))
        {
            var therapist = therapistScope.Db;
            token = (await therapistScope.Get<StartInRoomCheckIn>().CreatePassAsync(episodeId, clientId)).Value!.Token;
        }

        var viewer = await database.ViewerForAsync(Personas.Client3);
        await using var firstScope = database.As(viewer);
        var first = firstScope.Db;
        await using var secondScope = database.As(viewer);
        var second = secondScope.Db;
        // The second request read the pass before the first one used it (both requests in flight at once).
        Assert.Null((await second.InRoomPasses.SingleAsync()).UsedAt);

        var won = await firstScope.Get<RedeemInRoomPass>().HandleAsync(token);
        var lost = await secondScope.Get<RedeemInRoomPass>().HandleAsync(token);

        Assert.True(won.Succeeded, string.Join("; ", won.Errors.Values));
        Assert.Equal(RedeemInRoomPass.Unusable, lost.Errors["Token"]);
        await using var system = database.Open(Viewer.System);
        Assert.Equal(1, await system.AuditEntries.CountAsync(a => a.Reason == "In-room check-in: QR code used"));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task QrPass_ForSomeoneWhoIsNotAMember_OrByASupervisor_IsRefused(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (episodeId, _) = await EpisodeOfAsync(database, Personas.Client3);
        var stranger = await database.ClientIdAsync(Personas.Client1);
        var member = await database.ClientIdAsync(Personas.Client3);

        await using (var therapistScope = await database.As(Personas.Therapist1))
        {
            var therapist = therapistScope.Db;
            var outcome = await therapistScope.Get<StartInRoomCheckIn>().CreatePassAsync(episodeId, stranger);
            Assert.Equal("Choose a member of this episode.", outcome.Errors["ClientId"]);
        }

        await using (var supervisorScope = await database.As(Personas.Supervisor))
        {
            var supervisor = supervisorScope.Db;
            Assert.True((await supervisorScope.Get<StartInRoomCheckIn>().CreatePassAsync(episodeId, member)).NotFound);
            Assert.True((await supervisorScope.Get<StartInRoomCheckIn>().HandOverAsync(episodeId, member, (_, _) => Task.FromResult<string?>(null))).NotFound);
        }

        await using var system = database.Open(Viewer.System);
        Assert.False(await system.InRoomPasses.AnyAsync());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task QuietHours_AreSetByTheAdmin_AndAMissingTimeChangesNothing(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var adminScope = await database.As(Personas.HarbourAdmin);
        var admin = adminScope.Db;
        var update = adminScope.Get<UpdateReminderHours>();

        var missing = await update.HandleAsync(new UpdateReminderHours.Form { QuietHoursStart = new TimeOnly(22, 0) });
        Assert.Contains("Enter when quiet hours start and end", missing.Errors["QuietHoursStart"], StringComparison.Ordinal);
        Assert.Equal(new TimeOnly(8, 0), (await update.LoadAsync())!.QuietHoursEnd);

        Assert.True((await update.HandleAsync(new UpdateReminderHours.Form { QuietHoursStart = new TimeOnly(22, 0), QuietHoursEnd = new TimeOnly(7, 30) })).Succeeded);
        await using var system = database.Open(Viewer.System);
        var harbour = await system.Practices.SingleAsync(p => p.Slug == "harbour");
        Assert.Equal((new TimeOnly(22, 0), new TimeOnly(7, 30)), (harbour.QuietHoursStart, harbour.QuietHoursEnd));

        await using var therapistScope = await database.As(Personas.Therapist1);
        var therapist = therapistScope.Db;
        Assert.True((await therapistScope.Get<UpdateReminderHours>().HandleAsync(new UpdateReminderHours.Form { QuietHoursStart = new TimeOnly(1, 0), QuietHoursEnd = new TimeOnly(2, 0) })).NotFound);
    }
}
