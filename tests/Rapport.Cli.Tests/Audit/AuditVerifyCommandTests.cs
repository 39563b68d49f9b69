using Microsoft.EntityFrameworkCore;
using Rapport.Access;
using Rapport.Cli.Tests.Clinical;
using Rapport.Audit;
using Rapport.Clients;
using Rapport.Persistence;
using Rapport.Progress;

namespace Rapport.Cli.Tests.Audit;

public sealed class AuditVerifyCommandTests
{
    [Fact]
    public async Task AuditVerify_OnAnIntactTrail_ExitsZero()
    {
        var path = await CopyOfSeededWithReadsAsync();

        var run = await CliRunner.Run("audit", "verify", "--database", path);

        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith("Audit trail intact: 3 entries in 1 practice chain (", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditVerify_WithATamperedEntry_ExitsOneNamingTheFirstBrokenEntry()
    {
        var path = await CopyOfSeededWithReadsAsync();
        Guid tampered;
        await using (var db = Open(path, Viewer.System))
        {
            tampered = await db.AuditEntries.Where(e => e.Sequence == 2).Select(e => e.Id).SingleAsync();
            await db.Database.ExecuteSqlRawAsync("""UPDATE "AuditEntries" SET "At" = '2020-01-01 00:00:00' WHERE "Sequence" >= 2""");
        }

        var run = await CliRunner.Run("audit", "verify", "--database", path);

        Assert.Equal(1, run.ExitCode);
        // Besides the warning that no checkpoints were given (nothing checks the tail here), one line names the break.
        var line = Assert.Single(run.ErrorLines, l => l.StartsWith("BROKEN", StringComparison.Ordinal));
        Assert.Contains("at sequence 2", line, StringComparison.Ordinal);
        Assert.Contains(tampered.ToString(), line, StringComparison.Ordinal);
        Assert.Contains("changed", line, StringComparison.Ordinal);
    }

    // Seeding through the CLI (migrations, demo data) and the three reads are the same for every test, so they are done
    // once; each test verifies (or tampers with) its own copy of the file. The copy shares the run's key ring (the CLI's
    // default, under the working folder), as the original did.
    private static readonly Lazy<Task<string>> Template = new(SeededWithReadsAsync);

    private static async Task<string> CopyOfSeededWithReadsAsync()
    {
        var template = await Template.Value;
        var folder = CliRunner.TempFolder();
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "rapport.db");
        File.Copy(template, path);
        return path;
    }

    private static async Task<string> SeededWithReadsAsync()
    {
        var path = Path.Combine(CliRunner.TempFolder(), "rapport.db");
        Assert.Equal(0, (await CliRunner.Run("demo", "seed", "--database", path)).ExitCode);
        Viewer therapist;
        await using (var db = Open(path, Viewer.System))
        {
            var user = await db.Users.SingleAsync(u => u.NormalizedEmail == "THERAPIST1@HARBOUR.EXAMPLE");
            var roles = await db.StaffMembers.Where(s => s.Id == user.StaffMemberId).Select(s => s.Roles).SingleAsync();
            therapist = new Viewer { UserId = user.Id, PracticeId = user.PracticeId, StaffMemberId = user.StaffMemberId, Roles = roles };
        }

        for (var i = 1; i <= 3; i++)
        {
            await using var db = Open(path, therapist);
            var id = await db.Clients.Where(c => c.Email == $"client{i}@harbour.example").Select(c => c.Id).SingleAsync();
            Assert.NotNull(await new GetClientRecord(db, new ExpectedModelCache(TimeProvider.System)).HandleAsync(id));
        }

        // One self-contained file to copy: the write-ahead log folded in, and no pooled connection left on it.
        await using (var db = Open(path, Viewer.System))
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE)");
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        return path;
    }

    private static RapportDb Open(string path, Viewer viewer) =>
        new(RapportDatabase.StandaloneOptions(new DatabaseOptions { Provider = DatabaseProvider.Sqlite, Path = path }), new FixedViewerSource(viewer), new AuditContext(), TimeProvider.System);
}
