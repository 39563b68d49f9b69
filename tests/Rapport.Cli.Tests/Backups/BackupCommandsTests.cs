using Rapport.Cli.Tests.Clinical;

namespace Rapport.Cli.Tests.Backups;

public sealed class BackupCommandsTests
{
    [Fact]
    public async Task BackupAndRestore_WarnThatTheKeysAreNotInTheBackup_AndRestoreRefusesToOverwriteWithoutReplace()
    {
        var folder = CliRunner.TempFolder();
        var database = Path.Combine(folder, "data", "rapport.db");
        Assert.Equal(0, (await CliRunner.Run("demo", "seed", "--database", database)).ExitCode);

        var backup = await CliRunner.Run("backup", "--to", Path.Combine(folder, "backup"), "--database", database);

        Assert.Equal(0, backup.ExitCode);
        Assert.StartsWith("Backup written and checked:", backup.Output, StringComparison.Ordinal);
        Assert.Contains("WARNING: the keys are NOT in the backup", backup.Error, StringComparison.Ordinal);
        Assert.Contains("field-keys.json", backup.Error, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(folder, "backup", "manifest.json")));

        var restored = Path.Combine(folder, "restored", "rapport.db");
        var restore = await CliRunner.Run("restore", "--from", Path.Combine(folder, "backup"), "--database", restored);
        Assert.Equal(0, restore.ExitCode);
        Assert.Contains("audit trail intact", restore.Output, StringComparison.Ordinal);
        Assert.Contains("WARNING: the keys are NOT in the backup", restore.Error, StringComparison.Ordinal);

        var again = await CliRunner.Run("restore", "--from", Path.Combine(folder, "backup"), "--database", restored);
        Assert.Equal(RapportCli.InvalidInput, again.ExitCode);
        Assert.Contains("not empty", again.Error, StringComparison.Ordinal);

        Assert.Equal(0, (await CliRunner.Run("restore", "--from", Path.Combine(folder, "backup"), "--database", restored, "--replace")).ExitCode);
    }

    [Fact]
    public async Task Restore_FromAFolderWithoutAManifest_ExitsTwo()
    {
        var folder = CliRunner.TempFolder();
        Directory.CreateDirectory(folder);

        var restore = await CliRunner.Run("restore", "--from", folder, "--database", Path.Combine(folder, "x.db"));

        Assert.Equal(RapportCli.InvalidInput, restore.ExitCode);
        Assert.Contains("not a Rapport backup folder", restore.Error, StringComparison.Ordinal);
    }
}
