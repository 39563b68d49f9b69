using Rapport.Demo;
using Microsoft.EntityFrameworkCore;
using Rapport.Caseload;
using Rapport.Clients;
using Rapport.MyCare;
using Rapport.Persistence;

namespace Rapport.Tests.Access;

/// <summary>Who may see what is decided by the care relationship, on SQLite and on PostgreSQL alike.</summary>
public sealed class CareRelationshipTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Therapist_CaseloadHoldsOnlyTheirOwnActiveClients(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var dbScope = await database.As(Personas.Therapist1);
        var db = dbScope.Db;

        var rows = await dbScope.Get<GetCaseload>().HandleAsync();

        var emails = await ClientEmails(database, rows.Select(r => r.ClientId));
        Assert.Equal(Enumerable.Range(1, 12).Select(i => $"client{i}@harbour.example").Order(), emails.Order());
        Assert.All(rows, r => Assert.False(r.Supervised));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Therapist_GetsNoRecordOfAClientTheyDoNotTreat_InTheirPracticeOrAnother(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var otherTherapistsClient = await database.ClientIdAsync(Personas.Client13);
        var northsideClient = await database.ClientIdAsync(Personas.NorthsideClient1);
        await using var dbScope = await database.As(Personas.Therapist1);
        var db = dbScope.Db;

        Assert.Null(await dbScope.Get<GetClientRecord>().HandleAsync(otherTherapistsClient));
        Assert.Null(await dbScope.Get<GetClientRecord>().HandleAsync(northsideClient));
        Assert.False(await db.Clients.AnyAsync(c => c.Id == northsideClient || c.Id == otherTherapistsClient));
        Assert.False(await db.MeasureResponses.AnyAsync(r => r.ClientId == northsideClient || r.ClientId == otherTherapistsClient));
        Assert.False(await db.Sessions.AnyAsync(s => s.Episode!.Members.Any(m => m.ClientId == otherTherapistsClient)));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Therapist_SeesTheirClientsWholeHistory_IncludingEarlierEpisodes(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var client2 = await database.ClientIdAsync(Personas.Client2);
        await using var dbScope = await database.As(Personas.Therapist1);
        var db = dbScope.Db;

        var record = await dbScope.Get<GetClientRecord>().HandleAsync(client2);

        Assert.NotNull(record);
        Assert.Equal(2, record.Episodes.Count);
        Assert.Contains(record.Episodes, e => e.Status == Rapport.Episodes.EpisodeStatus.Ended);
        Assert.All(record.Episodes, e => Assert.NotEmpty(e.Scores));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Supervisor_SeesTheirSuperviseesClients(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var client13 = await database.ClientIdAsync(Personas.Client13);
        await using var dbScope = await database.As(Personas.Supervisor);
        var db = dbScope.Db;

        var rows = await dbScope.Get<GetCaseload>().HandleAsync();

        Assert.Equal(40, rows.Select(r => r.ClientId).Distinct().Count());
        Assert.All(rows, r => Assert.True(r.Supervised));
        Assert.NotNull(await dbScope.Get<GetClientRecord>().HandleAsync(client13));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task CoupleMember_SeesNoneOfTheirPartnersAnswersOrRecord(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var partner = await database.ClientIdAsync(Personas.Client12);
        var me = await database.ViewerForAsync(Personas.Client11);
        await using var dbScope = database.As(me);
        var db = dbScope.Db;

        var answers = await db.MeasureResponses.ToListAsync();
        var care = await dbScope.Get<GetMyCare>().HandleAsync();

        Assert.NotEmpty(answers);
        Assert.All(answers, a => Assert.Equal(me.ClientId, a.ClientId));
        Assert.False(await db.Clients.AnyAsync(c => c.Id == partner));
        Assert.NotNull(care);
        Assert.All(care.Episodes, e => Assert.Equal(answers.Count(a => a.EpisodeId == e.Id), e.MyScores.Count));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task GroupMember_SeesOnlyTheirOwnAnswers(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var me = await database.ViewerForAsync(Personas.Client35);
        await using var dbScope = database.As(me);
        var db = dbScope.Db;

        var owners = await db.MeasureResponses.Select(r => r.ClientId).Distinct().ToListAsync();

        Assert.Equal([me.ClientId!.Value], owners);
        Assert.Equal(1, await db.Clients.CountAsync());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task PracticeAdmin_ManagesAccountsButSeesNoClinicalData(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var client1 = await database.ClientIdAsync(Personas.Client1);
        await using var dbScope = await database.As(Personas.HarbourAdmin);
        var db = dbScope.Db;

        Assert.Equal(40 + DemoData.FormerClientsPerTherapist.Sum(), await db.Clients.CountAsync());
        Assert.Equal(0, await db.MeasureResponses.CountAsync());
        Assert.Equal(0, await db.Episodes.CountAsync());
        Assert.Equal(0, await db.Sessions.CountAsync());
        Assert.Null(await dbScope.Get<GetClientRecord>().HandleAsync(client1));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task NorthsideTherapist_SeesNothingOfHarbour(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var dbScope = await database.As(Personas.NorthsideTherapist);
        var db = dbScope.Db;

        Assert.Equal(5, await db.Clients.CountAsync());
        Assert.Equal(1, await db.StaffMembers.CountAsync());
        Assert.Equal(1, await db.MeasureResponses.Select(r => r.PracticeId).Distinct().CountAsync());
    }

    private static async Task<List<string>> ClientEmails(TestDatabase database, IEnumerable<Guid> ids)
    {
        await using var dbScope = database.As(Rapport.Access.Viewer.System);
        var db = dbScope.Db;
        var set = ids.ToHashSet();
        return await db.Clients.Where(c => set.Contains(c.Id)).Select(c => c.Email!).ToListAsync();
    }
}
