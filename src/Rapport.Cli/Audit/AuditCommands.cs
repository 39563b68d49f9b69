using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Rapport.Audit;

namespace Rapport.Cli.Audit;

/// <summary>
/// <c>rapport audit verify</c>: walks every practice's hash chain and names the first broken entry. Exit 0 when
/// every chain is intact, 1 when one is broken, so a nightly job or a backup check can alarm on it.
/// </summary>
public static class AuditCommands
{
    public const int Broken = 1;

    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var audit = new Command("audit", "The audit trail of who read and changed clinical records.");
        var verify = new Command("verify", "Check that no audit entry was changed, removed or inserted.");
        verify.Options.Add(DatabaseCommands.DatabaseOption);
        verify.Options.Add(DatabaseCommands.PostgresOption);
        var checkpointsOption = new Option<string?>("--checkpoints") { Description = $"The checkpoint log (default: Audit__CheckpointPath, or {AuditCheckpointLog.DefaultPath} under the working directory)." };
        var keyOption = new Option<string?>("--checkpoint-key") { Description = "The checkpoint signing key (default: Audit__CheckpointKeyPath, or audit-checkpoint.key beside the field key ring)." };
        verify.Options.Add(checkpointsOption);
        verify.Options.Add(keyOption);
        verify.SetAction(async (parse, ct) =>
        {
            var options = DatabaseCommands.Options(parse);
            await using var db = DatabaseCommands.Open(options);
            var configured = AuditCheckpointLog.From(new ConfigurationBuilder().AddEnvironmentVariables().Build(), options);
            var log = new AuditCheckpointLog(parse.GetValue(checkpointsOption) ?? configured.Path, parse.GetValue(keyOption) ?? configured.KeyPath);
            var problems = new List<string>();
            var anchors = log.Latest(problems);
            foreach (var problem in problems)
            {
                await context.Error.WriteLineAsync($"BROKEN checkpoints: {problem}.");
            }

            if (!File.Exists(log.Path))
            {
                await context.Error.WriteLineAsync($"No checkpoints at {log.Path}: removal of the newest entries is not checked.");
            }

            var result = await new VerifyAuditTrail(db).HandleAsync(anchors, ct);
            foreach (var broken in result.Breaks)
            {
                await context.Error.WriteLineAsync(
                    $"BROKEN practice {broken.PracticeId} at sequence {broken.Sequence} (entry {broken.EntryId}): {broken.Problem}.");
            }

            if (!result.Intact || problems.Count > 0)
            {
                return Broken;
            }

            await context.Output.WriteLineAsync(
                $"Audit trail intact: {Plural.Of(result.Entries, "entry", "entries")} in {Plural.Of(result.Practices, "practice chain")} ({DatabaseCommands.Describe(options)}){(anchors.Count > 0 ? $", matching {Plural.Of(anchors.Count, "checkpoint")}" : "")}.");
            return 0;
        });
        audit.Subcommands.Add(verify);
        return audit;
    }
}
