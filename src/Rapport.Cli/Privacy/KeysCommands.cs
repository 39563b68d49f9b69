using System.CommandLine;
using Rapport.Privacy;

namespace Rapport.Cli.Privacy;

/// <summary><c>rapport keys rotate</c>: a new active key for free text at rest, and every stored value re-encrypted with it.</summary>
public static class KeysCommands
{
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var keys = new Command("keys", "The key ring that encrypts free text at rest (Database__KeyRingPath).");
        var rotate = new Command("rotate", "Make a new key active and re-encrypt every encrypted value with it. Safe while the app runs.");
        var batch = new Option<int>("--batch-size") { Description = "Rows per transaction.", DefaultValueFactory = _ => 500 };
        rotate.Options.Add(DatabaseCommands.DatabaseOption);
        rotate.Options.Add(DatabaseCommands.PostgresOption);
        rotate.Options.Add(batch);
        rotate.SetAction(async (parse, ct) =>
        {
            var size = parse.GetValue(batch);
            if (size < 1)
            {
                await context.Error.WriteLineAsync("--batch-size must be at least 1.");
                return RapportCli.InvalidInput;
            }

            var options = DatabaseCommands.Options(parse);
            var result = await new RotateFieldKeys(() => DatabaseCommands.Open(options)).HandleAsync(size, ct);
            await context.Output.WriteLineAsync(
                $"Key {result.NewKeyId} is now active; {Plural.Of(result.Rows, "row")} re-encrypted ({DatabaseCommands.Describe(options)}). Key ring: {options.ResolvedKeyRingPath()}");
            return 0;
        });
        keys.Subcommands.Add(rotate);
        return keys;
    }
}
