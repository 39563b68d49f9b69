using Microsoft.EntityFrameworkCore;
using Rapport.Access;
using Rapport.Audit;
using Rapport.BreakGlass;
using Rapport.Clients;
using Rapport.Email;
using Rapport.Persistence;

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
        var mailer = database.Mailer;
        await using (var dbScope = database.As(admin))
        {
            var db = dbScope.Db;
            Assert.Null(await dbScope.Get<GetClientRecord>().HandleAsync(clientId));
            var outcome = await dbScope.Get<OpenBreakGlass>().HandleAsync(clientId, Reason, "https://rapport.example/clients/x");
            Assert.True(outcome.Succeeded);
        }

        await using (var dbScope = database.As(admin))
        {
            var db = dbScope.Db;
            var record = await dbScope.Get<GetClientRecord>().HandleAsync(clientId);
            Assert.NotNull(record);
            Assert.NotEmpty(record.Episodes);
            Assert.NotEmpty(record.Episodes[0].Scores);
        }

        await using var check = database.Open(Viewer.System);
        var entries = await check.AuditEntries.OrderBy(e => e.Sequence).ToListAsync();
        // The look before the glass was broken is a refused read (issue 10), naming no client.
        Assert.Equal([AuditAction.Refused, AuditAction.BreakGlass, AuditAction.Read], entries.Select(e => e.Action));
        Assert.Null(entries[0].ClientId);
        Assert.Equal(Reason, entries[1].Reason);
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
        var mailer = database.Mailer;
        await using var dbScope = await database.As(Personas.HarbourAdmin);
        var db = dbScope.Db;

        var outcome = await dbScope.Get<OpenBreakGlass>().HandleAsync(clientId, "  need it\r\n ", "x");

        Assert.Contains("Reason", outcome.Errors.Keys);
        Assert.Null(await dbScope.Get<GetClientRecord>().HandleAsync(clientId));
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
        await using (var dbScope = database.As(admin))
        {
            var db = dbScope.Db;
            Assert.True((await new OpenBreakGlass(db, new RecordingMailer(), twoHoursAgo).HandleAsync(clientId, Reason, "x")).Succeeded);
        }

        await using var laterScope = database.As(admin);
        var later = laterScope.Db;
        Assert.Null(await laterScope.Get<GetClientRecord>().HandleAsync(clientId));
        Assert.False(await later.MeasureResponses.AnyAsync(r => r.ClientId == clientId));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task BreakGlass_ByATherapist_OrForAnotherPracticesClient_IsNotFound(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var ownPracticeClient = await database.ClientIdAsync(Personas.Client13);
        var northsideClient = await database.ClientIdAsync(Personas.NorthsideClient1);
        var mailer = database.Mailer;

        await using (var dbScope = await database.As(Personas.Therapist1))
        {
            var db = dbScope.Db;
            Assert.True((await dbScope.Get<OpenBreakGlass>().HandleAsync(ownPracticeClient, Reason, "x")).NotFound);
        }

        await using (var dbScope = await database.As(Personas.HarbourAdmin))
        {
            var db = dbScope.Db;
            Assert.True((await dbScope.Get<OpenBreakGlass>().HandleAsync(northsideClient, Reason, "x")).NotFound);
            Assert.Null(await dbScope.Get<GetClientRecord>().HandleAsync(northsideClient));
        }

        await using var check = database.Open(Viewer.System);
        Assert.Equal(0, await check.BreakGlassGrants.CountAsync());
        Assert.Empty(mailer.Sent);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task BreakGlass_ForOneCoupleOrGroupMember_OpensOnlyTheirRecord_NeverAPartnersOrAGroupMembers(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var admin = await database.ViewerForAsync(Personas.HarbourAdmin);
        var client11 = await database.ClientIdAsync(Personas.Client11);
        var client12 = await database.ClientIdAsync(Personas.Client12);
        var client35 = await database.ClientIdAsync(Personas.Client35);
        var groupMembers = new List<Guid>();
        for (var i = 36; i <= 40; i++)
        {
            groupMembers.Add(await database.ClientIdAsync($"client{i}@harbour.example"));
        }

        string partnerName, coupleTitle;
        string? coupleReferral;
        await using (var system = database.Open(Viewer.System))
        {
            partnerName = await system.Clients.Where(c => c.Id == client12).Select(c => c.DisplayName).SingleAsync();
            var couple = await system.Episodes.SingleAsync(e => e.Members.Any(m => m.ClientId == client11) && e.Members.Any(m => m.ClientId == client12));
            // A title that names the partner, as titles often do.
            couple.Title = $"Couple work with {partnerName}";
            couple.ReferralReason = "Referral 8K2W: both partners describe arguments about money";
            coupleTitle = couple.Title;
            coupleReferral = couple.ReferralReason;
            await system.SaveChangesAsync();
        }

        var mailer = database.Mailer;
        await using (var dbScope = database.As(admin))
        {
            var db = dbScope.Db;
            Assert.True((await dbScope.Get<OpenBreakGlass>().HandleAsync(client11, Reason, "https://rapport.example/clients/x")).Succeeded);
            Assert.True((await dbScope.Get<OpenBreakGlass>().HandleAsync(client35, Reason, "https://rapport.example/clients/y")).Succeeded);
        }

        await using (var dbScope = database.As(admin))
        {
            var db = dbScope.Db;
            // The partner's and every other group member's record: not found, as for any client without a grant.
            Assert.Null(await dbScope.Get<GetClientRecord>().HandleAsync(client12));
            foreach (var member in groupMembers)
            {
                Assert.Null(await dbScope.Get<GetClientRecord>().HandleAsync(member));
            }

            Guid[] others = [client12, .. groupMembers];
            Assert.False(await db.MeasureResponses.AnyAsync(r => others.Contains(r.ClientId)));
            Assert.False(await db.ClientNotes.AnyAsync(n => others.Contains(n.ClientId)));
            Assert.False(await db.ClientGoals.AnyAsync(g => others.Contains(g.ClientId)));
            Assert.False(await db.RiskAlerts.AnyAsync(a => others.Contains(a.ClientId)));
            Assert.Empty(await dbScope.Get<Rapport.Goals.GetClientGoals>().HandleAsync(client12));

            // The granted member's own record: the shared episode is there, with their own answers only, and without
            // the title and referral reason that concern (and here name) the partner.
            var record = await dbScope.Get<GetClientRecord>().HandleAsync(client11);
            Assert.NotNull(record);
            var shared = Assert.Single(record.Episodes, e => e.OtherMembers > 0);
            Assert.Equal(GetClientRecord.WithheldTitle(shared.Format), shared.Title);
            Assert.Null(shared.ReferralReason);
            var json = System.Text.Json.JsonSerializer.Serialize(record);
            Assert.DoesNotContain(partnerName, json, StringComparison.Ordinal);
            Assert.DoesNotContain("8K2W", json, StringComparison.Ordinal);
            var ownScores = await db.MeasureResponses.CountAsync(r => r.ClientId == client11 && r.EpisodeId == shared.Id);
            Assert.Equal(ownScores, shared.Scores.Count);
            Assert.NotNull(await dbScope.Get<GetClientRecord>().HandleAsync(client35));
        }

        // The treating therapist still sees the shared episode as it is.
        await using (var therapistScope = await database.As(Personas.Therapist1))
        {
            var therapist = therapistScope.Db;
            var record = await therapistScope.Get<GetClientRecord>().HandleAsync(client12);
            Assert.NotNull(record);
            Assert.Contains(record.Episodes, e => e.Title == coupleTitle && e.ReferralReason == coupleReferral);
        }

        // The client sees the reason in "who has looked at my record"; the partner sees no entry for a look they were not part of.
        await using (var dbScope = await database.As(Personas.Client11))
        {
            var db = dbScope.Db;
            var rows = await dbScope.Get<GetRecordAccess>().HandleAsync();
            Assert.Contains(rows!, r => r.Action == AuditAction.BreakGlass && r.Reason == Reason);
        }

        await using (var dbScope = await database.As(Personas.Client12))
        {
            var db = dbScope.Db;
            Assert.DoesNotContain((await dbScope.Get<GetRecordAccess>().HandleAsync())!, r => r.Action == AuditAction.BreakGlass);
        }

        // The treating therapist is told, with no clinical content and no name.
        Assert.Contains(mailer.Sent, m => m.To == Personas.Therapist1 && m.TextBody.Contains("https://rapport.example/clients/x", StringComparison.Ordinal));
        Assert.All(mailer.Sent, m =>
        {
            Assert.DoesNotContain(Reason, m.TextBody, StringComparison.Ordinal);
            Assert.DoesNotContain(partnerName, m.TextBody, StringComparison.Ordinal);
        });
    }

    private sealed class ShiftedClock(TimeSpan shift) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + shift;
    }
}
