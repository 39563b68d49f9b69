using System.CommandLine;
using Rapport.Clinical.Simulation;

namespace Rapport.Cli.Outcomes;

/// <summary><c>rapport simulate [--seed N]</c>: reruns the validation simulations in docs/clinical/validation.md.</summary>
public static class SimulateCommand
{
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var seed = new Option<int>("--seed") { Description = "Random seed (the published figures use 20261123).", DefaultValueFactory = _ => ValidationReport.DefaultSeed };
        var command = new Command("simulate", "Not-on-track and rupture-detection simulations with known ground truth (Markdown).");
        command.Options.Add(seed);
        command.SetAction(parse =>
        {
            context.Output.Write(ValidationReport.Build(parse.GetValue(seed)));
            return 0;
        });
        return command;
    }
}
