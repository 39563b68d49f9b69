using System.CommandLine;
using Rapport.Listening.Coding.Quality;

namespace Rapport.Cli;

/// <summary>
/// <c>rapport listen encode</c> (maintainers; hidden): the quality model's tokens and labels for every AnnoMI
/// utterance as JSON lines, so tools/listening/train.py trains on exactly what <see cref="QualityInput"/> produces at
/// run time. The output holds token ids of AnnoMI text: keep it out of the repository (train.sh writes it to a temp folder).
/// </summary>
internal static class ListenEncodeCommand
{
    public static Command Create(CliContext context)
    {
        var data = new Option<DirectoryInfo>("--data") { Description = "Folder holding AnnoMI-full-train.csv (default: ../shared/data/annomi beside the repository)." };
        var output = new Option<FileInfo>("--out") { Description = "JSON lines file to write.", Required = true };
        var command = new Command("encode", "Write the quality model's input tokens and labels of a labelled corpus as JSON lines (for training).") { Hidden = true };
        command.Options.Add(data);
        command.Options.Add(output);
        command.SetAction(parse =>
        {
            var folder = parse.GetValue(data)?.FullName ?? ListenCommand.DefaultDataFolder();
            var csv = Path.Combine(folder, "AnnoMI-full-train.csv");
            if (!File.Exists(csv))
            {
                context.Error.WriteLine($"{csv}: not found (pass --data <folder with AnnoMI-full-train.csv>)");
                return RapportCli.InvalidInput;
            }

            List<QualityExample> examples;
            try
            {
                examples = QualityTrainingSet.Read(csv, QualityInput.Load());
            }
            catch (InvalidDataException ex)
            {
                context.Error.WriteLine($"{Path.GetFileName(csv)}: {ex.Message}");
                return RapportCli.InvalidInput;
            }

            var target = parse.GetValue(output)!;
            Directory.CreateDirectory(target.DirectoryName!);
            using (var writer = new StreamWriter(target.FullName))
            {
                QualityTrainingSet.WriteJsonLines(writer, examples);
            }

            context.Output.WriteLine($"{examples.Count} utterances ({examples.Count(e => e.Behaviour is not null)} therapist with a label, {examples.Count(e => e.ClientTalk is not null)} client with a talk type) written to {target.FullName}");
            return 0;
        });
        return command;
    }
}
