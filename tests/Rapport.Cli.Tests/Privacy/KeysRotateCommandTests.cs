using Microsoft.EntityFrameworkCore;
using Rapport.Access;
using Rapport.Cli.Tests.Clinical;
using Rapport.Persistence;
using Rapport.Privacy;

namespace Rapport.Cli.Tests.Privacy;

public sealed class KeysRotateCommandTests
{
    [Fact]
    public async Task KeysRotate_ReencryptsEveryReferralReason_WithTheNewKey()
    {
        var path = Path.Combine(CliRunner.TempFolder(), "rapport.db");
        Assert.Equal(0, (await CliRunner.Run("demo", "seed", "--database", path)).ExitCode);

        var run = await CliRunner.Run("keys", "rotate", "--database", path, "--batch-size", "10");

        Assert.Equal(0, run.ExitCode);
        var keyId = run.Output.Split(' ')[1];
        await using var db = new RapportDb(
            RapportDatabase.StandaloneOptions(new DatabaseOptions { Provider = DatabaseProvider.Sqlite, Path = path }), new FixedViewerSource(Viewer.System), new Rapport.Audit.AuditContext(), TimeProvider.System);
        var raw = await db.Database.SqlQueryRaw<string>("""SELECT "ReferralReason" AS "Value" FROM "Episodes" WHERE "ReferralReason" IS NOT NULL""").ToListAsync();
        Assert.NotEmpty(raw);
        Assert.All(raw, v => Assert.Equal(keyId, FieldEncryption.KeyIdOf(v)));
        Assert.All(await db.Episodes.Where(e => e.ReferralReason != null).Select(e => e.ReferralReason).ToListAsync(),
            r => Assert.DoesNotContain(FieldEncryption.Prefix, r, StringComparison.Ordinal));
    }

    [Fact]
    public async Task KeysRotate_WithABatchSizeOfZero_ExitsTwo()
    {
        var run = await CliRunner.Run("keys", "rotate", "--database", Path.Combine(CliRunner.TempFolder(), "x.db"), "--batch-size", "0");

        Assert.Equal(RapportCli.InvalidInput, run.ExitCode);
    }
}
