using System.CommandLine;
using System.Text;
using Rapport.Clinical.Change;

namespace Rapport.Cli.Outcomes;

/// <summary>
/// <c>rapport outcomes &lt;file.csv&gt;</c>: NHS Talking Therapies paired outcomes per episode. Input
/// <c>episode_id,session,phq9,gad7</c>, one row per attended session (no quoting; ids may not contain commas). A
/// malformed row stops the command with exit 2 naming the line, and nothing is printed.
/// </summary>
public static class OutcomesCommand
{
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var file = new Argument<FileInfo>("file") { Description = "CSV with header episode_id,session,phq9,gad7." };
        var command = new Command("outcomes", "Paired NHS Talking Therapies outcomes (caseness, recovery, reliable change) per episode.");
        command.Arguments.Add(file);
        command.SetAction(parse => Run(context, parse.GetValue(file)!));
        return command;
    }

    internal static int Run(CliContext context, FileInfo file)
    {
        if (!file.Exists)
        {
            context.Error.WriteLine($"file not found: {file.FullName}");
            return RapportCli.InvalidInput;
        }

        var episodes = new EpisodeOutcomes();
        using (var reader = new StreamReader(file.FullName, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16))
        {
            var header = reader.ReadLine();
            if (header is null || !string.Equals(header.Trim(), EpisodeOutcomes.InputHeader, StringComparison.Ordinal))
            {
                context.Error.WriteLine($"line 1: expected header '{EpisodeOutcomes.InputHeader}', found '{header}'");
                return RapportCli.InvalidInput;
            }

            var lineNumber = 1;
            while (reader.ReadLine() is { } line)
            {
                lineNumber++;
                if (line.Length == 0)
                {
                    continue;
                }

                if (!EpisodeOutcomes.TryParse(line, out var id, out var row, out var error) || !episodes.TryAdd(id, row, out error))
                {
                    context.Error.WriteLine($"line {lineNumber}: {error}");
                    return RapportCli.InvalidInput;
                }
            }
        }

        // Output only after the whole file parsed: a partly valid file prints nothing.
        var sb = new StringBuilder(64 * (episodes.EpisodeCount + 1));
        sb.Append(EpisodeOutcomes.OutputHeader).Append('\n');
        foreach (var episode in episodes.Results())
        {
            EpisodeOutcomes.AppendCsv(sb, episode);
            sb.Append('\n');
        }

        context.Output.Write(sb.ToString());
        return 0;
    }
}
