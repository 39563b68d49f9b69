using System.CommandLine;

namespace Rapport.Cli;

/// <summary>The <c>rapport</c> command tree. Each feature folder contributes one command.</summary>
public static class RapportCli
{
    /// <summary>Exit code for invalid input: the command printed one line naming the problem.</summary>
    public const int InvalidInput = 2;

    public static RootCommand Build(CliContext context)
    {
        var root = new RootCommand("Rapport: measurement-informed care for the therapeutic relationship.");
        root.Subcommands.Add(DatabaseCommands.Create(context));
        root.Subcommands.Add(DatabaseCommands.CreateDemo(context));
        root.Subcommands.Add(Instruments.InstrumentsCommand.Create(context));
        root.Subcommands.Add(Scoring.ScoreCommand.Create(context));
        root.Subcommands.Add(Outcomes.OutcomesCommand.Create(context));
        root.Subcommands.Add(Signals.SignalsCommand.Create(context));
        root.Subcommands.Add(Outcomes.SimulateCommand.Create(context));
        root.Subcommands.Add(ListenCommand.Create(context));
        root.Subcommands.Add(Audit.AuditCommands.Create(context));
        root.Subcommands.Add(Privacy.KeysCommands.Create(context));
        root.Subcommands.Add(Backups.BackupCommands.CreateBackup(context));
        root.Subcommands.Add(Backups.BackupCommands.CreateRestore(context));
        return root;
    }

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, bool errorIsTerminal = false)
    {
        var context = new CliContext(output, error, errorIsTerminal);
        var root = Build(context);
        var parsed = root.Parse(args);
        return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
    }
}
