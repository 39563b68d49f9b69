using Microsoft.EntityFrameworkCore;
using Rapport.Access;
using Rapport.Audit;
using Rapport.Persistence;

namespace Rapport.Tests.Audit;

/// <summary>
/// The truncation anchor (docs/security.md, "not yet" until December 2026): the hash chain alone cannot show that its
/// newest entries were deleted; a signed checkpoint of each practice's head, kept outside the database, can.
/// </summary>
public sealed class AuditCheckpointTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"rapport-checkpoints-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private AuditCheckpointLog Log() => new(Path.Combine(_folder, "checkpoints", "audit.log"), Path.Combine(_folder, "keys", "audit-checkpoint.key"));

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task RemovingTheNewestEntries_IsCaughtByTheLatestCheckpoint(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        for (var i = 1; i <= 3; i++)
        {
            await AuditTrailTests.ReadAsync(database, Personas.Therapist1, $"client{i}@harbour.example");
        }

        await using var dbScope = database.As(Viewer.System);
        var db = dbScope.Db;
        var published = await new PublishAuditCheckpoints(db, Log(), TimeProvider.System).HandleAsync();
        var head = Assert.Single(published);
        Assert.Empty(await new PublishAuditCheckpoints(db, Log(), TimeProvider.System).HandleAsync()); // unchanged head: no new line

        if (provider == DatabaseProvider.Postgres)
        {
            await db.Database.ExecuteSqlRawAsync("""ALTER TABLE "AuditEntries" DISABLE TRIGGER USER""");
        }

        await db.Database.ExecuteSqlAsync($"""DELETE FROM "AuditEntries" WHERE "Sequence" = {head.Sequence}""");

        Assert.True((await dbScope.Get<VerifyAuditTrail>().HandleAsync()).Intact, "without the anchor a truncated chain looks intact");
        var problems = new List<string>();
        var broken = Assert.Single((await dbScope.Get<VerifyAuditTrail>().HandleAsync(Log().Latest(problems))).Breaks);
        Assert.Empty(problems);
        Assert.Equal(head.Sequence, broken.Sequence);
        Assert.Contains("newest entries were removed", broken.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void AnAlteredCheckpointLine_IsReported_AndNotTrusted()
    {
        var log = Log();
        var practice = Guid.CreateVersion7();
        log.Append([new AuditCheckpoint(practice, 40, new string('a', 64), DateTime.UtcNow)]);
        File.WriteAllText(log.Path, File.ReadAllText(log.Path).Replace("\t40\t", "\t4\t", StringComparison.Ordinal));

        var problems = new List<string>();
        var latest = log.Latest(problems);

        Assert.Empty(latest);
        Assert.Contains(problems, p => p.Contains("not signed", StringComparison.Ordinal));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, OperatingSystem.IsWindows() ? default : File.GetUnixFileMode(log.KeyPath));
    }
}
