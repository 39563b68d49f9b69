using Microsoft.EntityFrameworkCore;
using Rapport.Access;
using Rapport.Audit;
using Rapport.BreakGlass;
using Rapport.Clients;
using Rapport.Email;
using Rapport.Persistence;
using Rapport.Tests.Support;

namespace Rapport.Tests.BreakGlass;

/// <summary>An admin reaches a clinical record only by breaking the glass: with a reason, for an hour, in the audit trail, and the therapist is told.</summary>
public sealed class BreakGlassTests
{
    private const string Reason = "Client's emergency contact called: therapist unreachable, safety concern raised";

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Admin_WithAReason_SeesTheRecord_TheReasonIsAudited_AndTheTherapistIsEmailed(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var clientId = await database.ClientIdAsync(Personas.Client1);
        var admin = await database.ViewerForAsync(Personas.HarbourAdmin);
        var mailer = new RecordingMailer();
        await using (var db = database.Open(admin))
        {
            Assert.Null(await new GetClientRecord(db).HandleAsync(clientId));
            var outcome = await new OpenBreakGlass(db, mailer, TimeProvider.System).HandleAsync(clientId, Reason, "https://rapport.example/clients/x");
            Assert.True(outcome.Succeeded);
        }

        await using (var db = database.Open(admin))
        {
            var record = await new GetClientRecord(db).HandleAsync(clientId);
            Assert.NotNull(record);
            Assert.NotEmpty(record.Episodes);
            Assert.NotEmpty(record.Episodes[0].Scores);
        }

        await using var check = database.Open(Viewer.System);
        var entries = await check.AuditEntries.OrderBy(e => e.Sequence).ToListAsync();
        Assert.Equal([AuditAction.BreakGlass, AuditAction.Read], entries.Select(e => e.Action));
        Assert.Equal(Reason, entries[0].Reason);
        Assert.All(entries, e => Assert.Equal(admin.UserId, e.UserId));
        var mail = Assert.Single(mailer.Sent);
        Assert.Equal(Personas.Therapist1, mail.To);
        var name = await check.Clients.Where(c => c.Id == clientId).Select(c => c.DisplayName).SingleAsync();
        Assert.DoesNotContain(name, mail.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain(Reason, mail.TextBody, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Admin_WithoutAReason_GetsNoAccessAndNoGrant(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var clientId = await database.ClientIdAsync(Personas.Client1);
        var mailer = new RecordingMailer();
        await using var db = database.Open(await database.ViewerForAsync(Personas.HarbourAdmin));

        var outcome = await new OpenBreakGlass(db, mailer, TimeProvider.System).HandleAsync(clientId, "  need it\r\n ", "x");

        Assert.Contains("Reason", outcome.Errors.Keys);
        Assert.Null(await new GetClientRecord(db).HandleAsync(clientId));
        Assert.Equal(0, await db.BreakGlassGrants.CountAsync());
        Assert.Empty(mailer.Sent);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ExpiredGrant_NoLongerOpensTheRecord(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var clientId = await database.ClientIdAsync(Personas.Client1);
        var admin = await database.ViewerForAsync(Personas.HarbourAdmin);
        var twoHoursAgo = new ShiftedClock(TimeSpan.FromHours(-2));
        await using (var db = database.Open(admin))
        {
            Assert.True((await new OpenBreakGlass(db, new RecordingMailer(), twoHoursAgo).HandleAsync(clientId, Reason, "x")).Succeeded);
        }

        await using var later = database.Open(admin);
        Assert.Null(await new GetClientRecord(later).HandleAsync(clientId));
        Assert.False(await later.MeasureResponses.AnyAsync(r => r.ClientId == clientId));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task BreakGlass_ByATherapist_OrForAnotherPracticesClient_IsNotFound(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var ownPracticeClient = await database.ClientIdAsync(Personas.Client13);
        var northsideClient = await database.ClientIdAsync(Personas.NorthsideClient1);
        var mailer = new RecordingMailer();

        await using (var db = database.Open(await database.ViewerForAsync(Personas.Therapist1)))
        {
            Assert.True((await new OpenBreakGlass(db, mailer, TimeProvider.System).HandleAsync(ownPracticeClient, Reason, "x")).NotFound);
        }

        await using (var db = database.Open(await database.ViewerForAsync(Personas.HarbourAdmin)))
        {
            Assert.True((await new OpenBreakGlass(db, mailer, TimeProvider.System).HandleAsync(northsideClient, Reason, "x")).NotFound);
            Assert.Null(await new GetClientRecord(db).HandleAsync(northsideClient));
        }

        await using var check = database.Open(Viewer.System);
        Assert.Equal(0, await check.BreakGlassGrants.CountAsync());
        Assert.Empty(mailer.Sent);
    }

    private sealed class ShiftedClock(TimeSpan shift) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + shift;
    }
}
