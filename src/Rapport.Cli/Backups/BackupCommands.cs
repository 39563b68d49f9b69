using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Rapport.Persistence;

namespace Rapport.Cli.Backups;

/// <summary>
/// <c>rapport backup --to FOLDER</c> and <c>rapport restore --from FOLDER</c>. Exit 0 when the backup (or the restored
/// database) was checked against its manifest and matches; 1 when a check failed; 2 when the command refused to start
/// (bad folder, non-empty target, a dump that does not match its manifest, a backup from a newer version).
/// </summary>
public static class BackupCommands
{
    public const int CheckFailed = 1;

    public static Command CreateBackup(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var backup = new Command("backup", "Copy the whole database, while the app runs, into a new folder with a manifest, and check the copy.");
        var to = new Option<string>("--to") { Description = "A new (or empty) folder for the dump and its manifest.", Required = true };
        backup.Options.Add(to);
        backup.Options.Add(DatabaseCommands.DatabaseOption);
        backup.Options.Add(DatabaseCommands.PostgresOption);
        backup.SetAction(async (parse, ct) =>
        {
            var options = DatabaseCommands.Options(parse);
            await WarnKeysAsync(context, options);
            var result = await new TakeBackup(options, TimeProvider.System).HandleAsync(parse.GetValue(to)!, ct);
            if (result.Manifest is not { } manifest)
            {
                await context.Error.WriteLineAsync(result.Problems[0]);
                return RapportCli.InvalidInput;
            }

            foreach (var problem in result.Problems)
            {
                await context.Error.WriteLineAsync(problem);
            }

            if (result.Problems.Count > 0)
            {
                return CheckFailed;
            }

            var folder = Path.GetFullPath(parse.GetValue(to)!);
            await context.Output.WriteLineAsync(
                $"Backup written and checked: {Path.Combine(folder, manifest.DumpFile)} ({Plural.Of(manifest.Tables.Count, "table")}, {Plural.Of(manifest.Tables.Values.Sum(), "row")}, {Plural.Of(manifest.AuditHeads.Count, "audit chain")}, migration {manifest.Migration}; {DatabaseCommands.Describe(options)}).");
            await context.Output.WriteLineAsync($"Manifest: {Path.Combine(folder, BackupManifest.FileName)} (SHA-256 {manifest.DumpSha256}).");
            return 0;
        });
        return backup;
    }

    public static Command CreateRestore(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var restore = new Command("restore", "Restore a backup folder into an empty database (stop the app first), then check every table and audit chain.");
        var from = new Option<string>("--from") { Description = "The folder `rapport backup` wrote.", Required = true };
        var replace = new Option<bool>("--replace") { Description = "Overwrite a database that is not empty." };
        restore.Options.Add(from);
        restore.Options.Add(replace);
        restore.Options.Add(DatabaseCommands.DatabaseOption);
        restore.Options.Add(DatabaseCommands.PostgresOption);
        restore.SetAction(async (parse, ct) =>
        {
            var options = DatabaseCommands.Options(parse);
            await WarnKeysAsync(context, options);
            var result = await new RestoreBackup(options, () => DatabaseCommands.Open(options)).HandleAsync(parse.GetValue(from)!, parse.GetValue(replace), ct);
            if (!result.Restored)
            {
                await context.Error.WriteLineAsync(result.Refused[0]);
                return RapportCli.InvalidInput;
            }

            foreach (var problem in result.Problems)
            {
                await context.Error.WriteLineAsync($"CHECK FAILED: {problem}.");
            }

            if (result.Problems.Count > 0)
            {
                return CheckFailed;
            }

            var manifest = result.Manifest!;
            await context.Output.WriteLineAsync(
                $"Restored the backup of {manifest.CreatedAt:u} ({Plural.Of(manifest.Tables.Values.Sum(), "row")} in {Plural.Of(manifest.Tables.Count, "table")}, as the manifest says) into {DatabaseCommands.Describe(options)}; audit trail intact ({Plural.Of(result.AuditEntries, "entry", "entries")}).");
            if (result.PendingMigrations > 0)
            {
                await context.Output.WriteLineAsync($"The backup is from an older version: {Plural.Of(result.PendingMigrations, "migration")} to apply. Run `rapport db migrate` before starting the app.");
            }

            return 0;
        });
        return restore;
    }

    /// <summary>The keys are deliberately not in a backup (a stolen backup must not decrypt itself); say so every time.</summary>
    private static async Task WarnKeysAsync(CliContext context, DatabaseOptions options)
    {
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        var certificate = configuration["DataProtection:CertificatePath"] is { Length: > 0 } c ? Path.GetFullPath(c) : "DataProtection__CertificatePath (not set here)";
        var checkpoints = Rapport.Audit.AuditCheckpointLog.From(configuration, options);
        await context.Error.WriteLineAsync(
            $"""
            WARNING: the keys are NOT in the backup; back them up separately, and keep them apart from the backups:
              - the field-encryption key ring: {options.ResolvedKeyRingPath()} (without it the free text in the backup cannot be read);
              - the certificate that encrypts the sign-in (Data Protection) key ring: {certificate} (the key ring itself is in the database, encrypted with it);
              - the audit checkpoint key and log: {checkpoints.KeyPath} and {checkpoints.Path}.
            """);
    }
}
