using Microsoft.EntityFrameworkCore;
using Npgsql;
using Rapport.Access;
using Rapport.Audit;
using Rapport.Clients;
using Rapport.Episodes;
using Rapport.MyCare;
using Rapport.Persistence;

namespace Rapport.Tests.Audit;

/// <summary>The audit trail a client and a regulator rely on: every clinical read and write, in order, tamper-evident.</summary>
public sealed class AuditTrailTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ClientRecordRead_WritesExactlyOneAuditEntry(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var clientId = await database.ClientIdAsync(Personas.Client1);
        var therapist = await database.ViewerForAsync(Personas.Therapist1);
        await using (var dbScope = database.As(therapist))
        {
            var db = dbScope.Db;
            Assert.NotNull(await dbScope.Get<GetClientRecord>().HandleAsync(clientId));
        }

        await using var check = database.Open(Viewer.System);
        var entry = Assert.Single(await check.AuditEntries.ToListAsync());
        Assert.Equal(AuditAction.Read, entry.Action);
        Assert.Equal(clientId, entry.ClientId);
        Assert.Equal(therapist.UserId, entry.UserId);
        Assert.Equal(therapist.PracticeId, entry.PracticeId);
        Assert.Contains("Therapist", entry.ActorRole, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(entry.ActorName));
        Assert.Equal(1, entry.Sequence);
        Assert.Equal(AuditHash.Genesis, entry.PreviousHash);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ClientRecordRead_WithoutACareRelationship_WritesNoReadEntry_OnlyARefusedOneNamingNoClient(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var otherTherapistsClient = await database.ClientIdAsync(Personas.Client13);
        await using (var dbScope = await database.As(Personas.Therapist1))
        {
            var db = dbScope.Db;
            Assert.Null(await dbScope.Get<GetClientRecord>().HandleAsync(otherTherapistsClient));
        }

        await using var check = database.Open(Viewer.System);
        var entry = Assert.Single(await check.AuditEntries.ToListAsync());
        Assert.Equal((AuditAction.Refused, (Guid?)null, otherTherapistsClient.ToString()), (entry.Action, entry.ClientId, entry.RecordId));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ClinicalWrite_IsAuditedWithTheWrite_AndNotWhenTheWriteFails(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var therapist = await database.ViewerForAsync(Personas.Therapist1);
        await using var first = database.Open(therapist);
        await using var second = database.Open(therapist);
        var a = await first.Episodes.OrderBy(e => e.Id).FirstAsync();
        var b = await second.Episodes.SingleAsync(e => e.Id == a.Id);

        a.Status = EpisodeStatus.Paused;
        await first.SaveChangesAsync();
        b.Status = EpisodeStatus.Ended;
        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => second.SaveChangesAsync());

        await using var check = database.Open(Viewer.System);
        var entry = Assert.Single(await check.AuditEntries.ToListAsync());
        Assert.Equal(AuditAction.Update, entry.Action);
        Assert.Equal(nameof(CareEpisode), entry.RecordType);
        Assert.Equal(a.Id.ToString(), entry.RecordId);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AuditEntries_CannotBeChangedOrDeletedThroughTheApp(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await ReadAsync(database, Personas.Therapist1, Personas.Client1);
        await using var dbScope = database.As(Viewer.System);
        var db = dbScope.Db;
        var entry = await db.AuditEntries.SingleAsync();

        entry.Sequence = 99;
        await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync());
        db.Entry(entry).State = EntityState.Deleted;
        await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync());
    }

    [Fact]
    public async Task Postgres_RefusesToUpdateOrDeleteAuditEntries_EvenOutsideTheApp()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        await ReadAsync(database, Personas.Therapist1, Personas.Client1);
        await using var dbScope = database.As(Viewer.System);
        var db = dbScope.Db;

        await Assert.ThrowsAsync<PostgresException>(() => db.Database.ExecuteSqlRawAsync("""UPDATE "AuditEntries" SET "ActorName" = 'Nobody'"""));
        await Assert.ThrowsAsync<PostgresException>(() => db.Database.ExecuteSqlRawAsync("""DELETE FROM "AuditEntries" """));
        Assert.Equal(1, await db.AuditEntries.CountAsync());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AuditVerify_OnAnUntouchedTrail_IsIntact(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await ReadAsync(database, Personas.Therapist1, Personas.Client1);
        await ReadAsync(database, Personas.Therapist1, Personas.Client2);
        await ReadAsync(database, Personas.NorthsideTherapist, Personas.NorthsideClient1);
        await ReadAsync(database, Personas.Client1, null);

        await using var dbScope = database.As(Viewer.System);
        var db = dbScope.Db;
        var result = await dbScope.Get<VerifyAuditTrail>().HandleAsync();

        Assert.True(result.Intact);
        Assert.Equal(2, result.Practices);
        Assert.Equal(4, result.Entries);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AuditVerify_WithATamperedEntry_NamesTheFirstBrokenEntry(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        for (var i = 1; i <= 4; i++)
        {
            await ReadAsync(database, Personas.Therapist1, $"client{i}@harbour.example");
        }

        await using var dbScope = database.As(Viewer.System);
        var db = dbScope.Db;
        var second = await db.AuditEntries.SingleAsync(e => e.Sequence == 2);
        await TamperAsync(db, provider, """UPDATE "AuditEntries" SET "ActorName" = 'Someone else' WHERE "Sequence" = 2""");

        var result = await dbScope.Get<VerifyAuditTrail>().HandleAsync();

        var broken = Assert.Single(result.Breaks);
        Assert.Equal(2, broken.Sequence);
        Assert.Equal(second.Id, broken.EntryId);
        Assert.Equal(second.PracticeId, broken.PracticeId);
        Assert.Contains("changed", broken.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AuditVerify_WithAClientTakenOutOfADashboardEntry_NamesThatEntry(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using (var therapist = await database.As(Personas.Therapist1))
        {
            Assert.NotEmpty(await therapist.Get<Rapport.Caseload.GetCaseload>().HandleAsync());
        }

        await using var dbScope = database.As(Viewer.System);
        var db = dbScope.Db;
        var entry = await db.AuditEntries.SingleAsync(e => e.Subjects != null);
        var fewer = AuditEntriesConcerning.Format(AuditEntriesConcerning.Parse(entry.Subjects).Skip(1));
        await TamperAsync(db, provider, $"""UPDATE "AuditEntries" SET "Subjects" = '{fewer}' WHERE "Sequence" = {entry.Sequence}""");

        var broken = Assert.Single((await dbScope.Get<VerifyAuditTrail>().HandleAsync()).Breaks);
        Assert.Equal(entry.Id, broken.EntryId);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AuditVerify_WithADeletedEntry_NamesTheEntryAfterTheGap(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        for (var i = 1; i <= 3; i++)
        {
            await ReadAsync(database, Personas.Therapist1, $"client{i}@harbour.example");
        }

        await using var dbScope = database.As(Viewer.System);
        var db = dbScope.Db;
        await TamperAsync(db, provider, """DELETE FROM "AuditEntries" WHERE "Sequence" = 2""");

        var broken = Assert.Single((await dbScope.Get<VerifyAuditTrail>().HandleAsync()).Breaks);

        Assert.Equal(3, broken.Sequence);
        Assert.Contains("missing", broken.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ConcurrentReads_EachTakeTheirOwnPlaceInTheChain(DatabaseProvider provider)
    {
        // Durable, as in production: a commit that waits for the disk widens the window between reading the chain's
        // end and writing after it, where unqueued saves collide.
        await using var database = await TestDatabase.CreateAsync(provider, durable: true);
        // Forty reads at once, each on its own thread (SQLite's async calls complete synchronously and the thread pool
        // starts with one thread a core, so tasks alone would barely overlap). Each save must queue for its place in the
        // chain: taken optimistically, with retries, 50 concurrent check-ins collided on SQLite under load.
        var clientIds = new List<Guid>();
        for (var i = 1; i <= 8; i++)
        {
            clientIds.Add(await database.ClientIdAsync($"client{i}@harbour.example"));
        }

        using var start = new Barrier(40);
        var failures = new System.Collections.Concurrent.ConcurrentBag<Exception>();
        var threads = Enumerable.Range(0, 40).Select(i => new Thread(() =>
        {
            try
            {
                start.SignalAndWait();
                ReadByIdAsync(database, Personas.Therapist1, clientIds[i % 8]).GetAwaiter().GetResult();
            }
            catch (Exception ex)
            {
                failures.Add(ex);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.Empty(failures);

        await using var dbScope = database.As(Viewer.System);
        var db = dbScope.Db;
        var result = await dbScope.Get<VerifyAuditTrail>().HandleAsync();
        Assert.True(result.Intact, string.Join("; ", result.Breaks));
        Assert.Equal(Enumerable.Range(1, 40).Select(i => (long)i), await db.AuditEntries.OrderBy(e => e.Sequence).Select(e => e.Sequence).ToListAsync());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task WhoLookedAtMyRecord_ListsStaffReads_NotTheClientsOwnOrOtherClients(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await ReadAsync(database, Personas.Therapist1, Personas.Client1);
        await ReadAsync(database, Personas.Supervisor, Personas.Client1);
        await ReadAsync(database, Personas.Therapist1, Personas.Client2);
        await ReadAsync(database, Personas.Client1, null);

        await using var dbScope = await database.As(Personas.Client1);
        var db = dbScope.Db;
        var rows = await dbScope.Get<GetRecordAccess>().HandleAsync();

        Assert.NotNull(rows);
        Assert.Equal(2, rows.Count);
        Assert.Contains("Supervisor", rows[0].Role, StringComparison.Ordinal);
        Assert.Contains("Therapist", rows[1].Role, StringComparison.Ordinal);
        Assert.All(rows, r => Assert.Equal(AuditAction.Read, r.Action));
    }

    [Fact]
    public void RequestDetails_AreCleanedOfControlCharacters()
    {
        var context = new AuditContext { UserAgent = "Mozilla\r\nX-Forged: yes\u001b[31m" + new string('a', 400), IpAddress = "10.0.0.1\n" };

        Assert.DoesNotContain('\n', context.UserAgent!);
        Assert.DoesNotContain('\u001b', context.UserAgent!);
        Assert.Equal(AuditContext.MaxUserAgentLength, context.UserAgent!.Length);
        Assert.Equal("10.0.0.1", context.IpAddress);
    }

    /// <summary>A staff member opens a client's record, or (clientEmail null) a client opens their own page.</summary>
    internal static async Task ReadAsync(TestDatabase database, string viewerEmail, string? clientEmail)
    {
        await using var dbScope = await database.As(viewerEmail);
        var db = dbScope.Db;
        if (clientEmail is null)
        {
            Assert.NotNull(await dbScope.Get<GetMyCare>().HandleAsync());
            return;
        }

        Assert.NotNull(await dbScope.Get<GetClientRecord>().HandleAsync(await database.ClientIdAsync(clientEmail)));
    }

    private static async Task ReadByIdAsync(TestDatabase database, string viewerEmail, Guid clientId)
    {
        await using var dbScope = await database.As(viewerEmail);
        Assert.NotNull(await dbScope.Get<GetClientRecord>().HandleAsync(clientId));
    }

    // What an attacker with database access does; on PostgreSQL they must first switch the append-only trigger off.
    private static async Task TamperAsync(RapportDb db, DatabaseProvider provider, string sql)
    {
        if (provider == DatabaseProvider.Postgres)
        {
            await db.Database.ExecuteSqlRawAsync("""ALTER TABLE "AuditEntries" DISABLE TRIGGER USER""");
        }

        await db.Database.ExecuteSqlRawAsync(sql);
    }
}
