using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Rapport.Access;
using Rapport.Episodes;
using Rapport.Persistence;
using Rapport.Privacy;

namespace Rapport.Tests.Privacy;

/// <summary>Free text is unreadable in a stolen database file or backup, yet reads normally in the app.</summary>
public sealed class FieldEncryptionTests
{
    private const string Reason = "Panic attacks since the house fire; sleeping in the car (marker 7Q2X)";

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task RawDatabase_HoldsNoPlaintextReferralReason(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var id = await AddEpisodeAsync(database, Reason);

        var raw = await RawReferralReasonsAsync(database);

        Assert.StartsWith(FieldEncryption.Prefix, raw[id], StringComparison.Ordinal);
        Assert.DoesNotContain("7Q2X", raw[id], StringComparison.Ordinal);
        Assert.All(raw.Values, v => Assert.StartsWith(FieldEncryption.Prefix, v, StringComparison.Ordinal));
        if (provider == DatabaseProvider.Sqlite)
        {
            var bytes = await SqliteFileBytesAsync(database);
            Assert.Equal(-1, bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes("7Q2X")));
        }

        await using var db = database.Open(Viewer.System);
        Assert.Equal(Reason, (await db.Episodes.SingleAsync(e => e.Id == id)).ReferralReason);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task RawDatabase_HoldsNoPlaintextEpisodeTitleOrBreakGlassReason_AndOldPlaintextRowsAreEncryptedAtStartUp(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        Guid episodeId, grantId;
        await using (var db = database.Open(Viewer.System))
        {
            var practiceId = await db.Practices.Where(p => p.Slug == "harbour").Select(p => p.Id).SingleAsync();
            var episode = new CareEpisode { PracticeId = practiceId, Title = "Couple work with Alex and Sam 5R8T", StartedOn = new DateOnly(2026, 1, 5) };
            var grant = new Rapport.BreakGlass.BreakGlassGrant
            {
                PracticeId = practiceId,
                StaffMemberId = await db.StaffMembers.Where(s => s.Email == Personas.HarbourAdmin).Select(s => s.Id).SingleAsync(),
                ClientId = await db.Clients.Where(c => c.Email == Personas.Client1).Select(c => c.Id).SingleAsync(),
                Reason = "Alex's sister called 5R8T: worried for their safety tonight",
                GrantedAt = DateTime.UtcNow,
                ExpiresAt = DateTime.UtcNow.AddHours(1),
            };
            db.Episodes.Add(episode);
            db.BreakGlassGrants.Add(grant);
            await db.SaveChangesAsync();
            (episodeId, grantId) = (episode.Id, grant.Id);
        }

        var titles = await RawColumnAsync(database, "Episodes", "Title");
        var reasons = await RawColumnAsync(database, "BreakGlassGrants", "Reason");
        Assert.All(titles.Values.Concat(reasons.Values), v => Assert.StartsWith(FieldEncryption.Prefix, v, StringComparison.Ordinal));
        Assert.DoesNotContain(titles.Values.Concat(reasons.Values), v => v.Contains("5R8T", StringComparison.Ordinal));
        if (provider == DatabaseProvider.Sqlite)
        {
            Assert.Equal(-1, (await SqliteFileBytesAsync(database)).AsSpan().IndexOf(Encoding.UTF8.GetBytes("5R8T")));
        }

        // Rows stored before these fields were encrypted hold plaintext: they still read, and the next start-up
        // (migrations, then EncryptPlaintextFields) encrypts them in place.
        await using (var db = database.Open(Viewer.System))
        {
            await db.Database.ExecuteSqlRawAsync("""UPDATE "Episodes" SET "Title" = 'Old title with Robin 9M4P' WHERE "Id" = {0}""", episodeId);
            await db.Database.ExecuteSqlRawAsync("""UPDATE "BreakGlassGrants" SET "Reason" = 'Old reason about Robin 9M4P' WHERE "Id" = {0}""", grantId);
        }

        Assert.Equal("Old title with Robin 9M4P", (await RawColumnAsync(database, "Episodes", "Title"))[episodeId]);
        await using (var db = database.Open(Viewer.System))
        {
            Assert.Equal("Old title with Robin 9M4P", (await db.Episodes.SingleAsync(e => e.Id == episodeId)).Title);
            await RapportDatabase.MigrateAsync(db, database.Options);
        }

        titles = await RawColumnAsync(database, "Episodes", "Title");
        reasons = await RawColumnAsync(database, "BreakGlassGrants", "Reason");
        Assert.All(titles.Values.Concat(reasons.Values), v => Assert.StartsWith(FieldEncryption.Prefix, v, StringComparison.Ordinal));
        Assert.DoesNotContain(titles.Values.Concat(reasons.Values), v => v.Contains("9M4P", StringComparison.Ordinal));
        await using (var db = database.Open(Viewer.System))
        {
            Assert.Equal("Old title with Robin 9M4P", (await db.Episodes.SingleAsync(e => e.Id == episodeId)).Title);
            Assert.Equal("Old reason about Robin 9M4P", (await db.BreakGlassGrants.SingleAsync(g => g.Id == grantId)).Reason);
            Assert.Equal(0, await EncryptPlaintextFields.RunAsync(db));
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task KeyRotation_ReencryptsEveryValueWithTheNewKey_AndTheyStillRead(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var id = await AddEpisodeAsync(database, Reason);
        var before = await RawReferralReasonsAsync(database);
        int goals;
        int profiles;
        await using (var system = database.Open(Viewer.System))
        {
            // The demo's goals in the clients' words, and its therapists' profiles, are encrypted too, and rotated with everything else.
            goals = await system.ClientGoals.CountAsync();
            profiles = await system.TherapistProfiles.CountAsync();
        }

        var result = await new RotateFieldKeys(() => database.Open(Viewer.System)).HandleAsync(batchSize: 7);

        var after = await RawReferralReasonsAsync(database);
        Assert.Equal(before.Count + goals + profiles, result.Rows);
        Assert.All(after.Values, v => Assert.Equal(result.NewKeyId, FieldEncryption.KeyIdOf(v)));
        Assert.All(before.Values, v => Assert.NotEqual(result.NewKeyId, FieldEncryption.KeyIdOf(v)));
        await using var db = database.Open(Viewer.System);
        Assert.Equal(Reason, (await db.Episodes.SingleAsync(e => e.Id == id)).ReferralReason);
    }

    [Fact]
    public void Ciphertext_MovedToAnotherField_OrAltered_DoesNotDecrypt()
    {
        var ring = FieldKeyRing.For(Path.Combine(Path.GetTempPath(), $"rapport-ring-{Guid.NewGuid():N}.json"));
        try
        {
            var stored = FieldEncryption.Protect(ring, "CareEpisode.ReferralReason", Reason);
            var altered = stored[..^6] + (stored[^6] == 'A' ? 'B' : 'A') + stored[^5..];

            Assert.Equal(Reason, FieldEncryption.Unprotect(ring, "CareEpisode.ReferralReason", stored));
            Assert.ThrowsAny<CryptographicException>(() => FieldEncryption.Unprotect(ring, "Session.Notes", stored));
            Assert.ThrowsAny<CryptographicException>(() => FieldEncryption.Unprotect(ring, "CareEpisode.ReferralReason", altered));
            Assert.NotEqual(stored, FieldEncryption.Protect(ring, "CareEpisode.ReferralReason", Reason));
        }
        finally
        {
            File.Delete(ring.Path);
        }
    }

    private static async Task<Guid> AddEpisodeAsync(TestDatabase database, string reason)
    {
        await using var db = database.Open(Viewer.System);
        var practiceId = await db.Practices.Select(p => p.Id).FirstAsync();
        var episode = new CareEpisode { PracticeId = practiceId, Title = "Encryption test", ReferralReason = reason, StartedOn = new DateOnly(2026, 1, 5) };
        db.Episodes.Add(episode);
        await db.SaveChangesAsync();
        return episode.Id;
    }

    private static async Task<Dictionary<Guid, string>> RawReferralReasonsAsync(TestDatabase database)
    {
        await using var db = database.Open(Viewer.System);
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """SELECT "Id", "ReferralReason" FROM "Episodes" WHERE "ReferralReason" IS NOT NULL""";
        await using var reader = await command.ExecuteReaderAsync();
        var values = new Dictionary<Guid, string>();
        while (await reader.ReadAsync())
        {
            values[Guid.Parse(reader.GetValue(0).ToString()!)] = reader.GetString(1);
        }

        return values;
    }

    private static async Task<Dictionary<Guid, string>> RawColumnAsync(TestDatabase database, string table, string column)
    {
        await using var db = database.Open(Viewer.System);
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"""SELECT "Id", "{column}" FROM "{table}" WHERE "{column}" IS NOT NULL""";
        await using var reader = await command.ExecuteReaderAsync();
        var values = new Dictionary<Guid, string>();
        while (await reader.ReadAsync())
        {
            values[Guid.Parse(reader.GetValue(0).ToString()!)] = reader.GetString(1);
        }

        return values;
    }

    private static async Task<byte[]> SqliteFileBytesAsync(TestDatabase database)
    {
        await using (var db = database.Open(Viewer.System))
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE)");
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var bytes = new List<byte>(await File.ReadAllBytesAsync(database.Options.Path));
        if (File.Exists(database.Options.Path + "-wal"))
        {
            bytes.AddRange(await File.ReadAllBytesAsync(database.Options.Path + "-wal"));
        }

        return [.. bytes];
    }
}
