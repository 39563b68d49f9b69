using System.CommandLine;
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
        verify.SetAction(async (parse, ct) =>
        {
            var options = DatabaseCommands.Options(parse);
            await using var db = DatabaseCommands.Open(options);
            var result = await new VerifyAuditTrail(db).HandleAsync(ct);
            foreach (var broken in result.Breaks)
            {
                await context.Error.WriteLineAsync(
                    $"BROKEN practice {broken.PracticeId} at sequence {broken.Sequence} (entry {broken.EntryId}): {broken.Problem}.");
            }

            if (!result.Intact)
            {
                return Broken;
            }

            await context.Output.WriteLineAsync(
                $"Audit trail intact: {Plural.Of(result.Entries, "entry", "entries")} in {Plural.Of(result.Practices, "practice chain")} ({DatabaseCommands.Describe(options)}).");
            return 0;
        });
        audit.Subcommands.Add(verify);
        return audit;
    }
}
