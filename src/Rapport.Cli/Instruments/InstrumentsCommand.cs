using System.CommandLine;
using Rapport.Clinical.Instruments;

namespace Rapport.Cli.Instruments;

/// <summary>
/// <c>rapport instruments</c>: lists instruments with their licence status (tab-separated:
/// <c>id, kind, licence, wording, title</c>). <c>rapport instruments import &lt;file&gt;</c> validates a licensed
/// Questionnaire against its pack and stores it as <c>&lt;data&gt;/instruments/&lt;id&gt;.json</c>.
/// </summary>
public static class InstrumentsCommand
{
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var data = DataOption();
        var command = new Command("instruments", "List instruments with their licence status; import licensed wording for a pack.");
        command.Options.Add(data);
        command.SetAction(parse =>
        {
            var folder = parse.GetValue(data) ?? InstrumentStore.DefaultDataFolder;
            context.Output.WriteLine("id\tkind\tlicence\twording\ttitle");
            foreach (var listed in InstrumentCatalog.All)
            {
                var instrument = InstrumentStore.Resolve(listed.Id, folder, out _) ?? listed;
                var licence = instrument.Licence.Status == LicenceStatus.Open ? "open" : "licence-required";
                var wording = instrument.HasWording
                    ? (instrument.Licence.Status == LicenceStatus.Open ? "bundled" : "imported")
                    : (instrument.Licence.Status == LicenceStatus.Open ? "to-be-imported" : "not-imported");
                context.Output.WriteLine($"{instrument.Id}\t{instrument.Kind.ToString().ToLowerInvariant()}\t{licence}\t{wording}\t{instrument.Title}");
            }

            return 0;
        });

        command.Subcommands.Add(CreateImport(context));
        return command;
    }

    internal static Option<string> DataOption() => new("--data")
    {
        Description = "Data folder holding imported instrument wording (default: ./data; files at <data>/instruments/<id>.json).",
    };

    private static Command CreateImport(CliContext context)
    {
        var file = new Argument<FileInfo>("file") { Description = "A FHIR R4 Questionnaire (JSON) with the licensed wording." };
        var data = DataOption();
        var import = new Command("import", "Validate licensed wording against its pack (same linkIds and item count) and store it.");
        import.Arguments.Add(file);
        import.Options.Add(data);
        import.SetAction(parse =>
        {
            var source = parse.GetValue(file)!;
            var folder = parse.GetValue(data) ?? InstrumentStore.DefaultDataFolder;
            if (!source.Exists)
            {
                context.Error.WriteLine($"file not found: {source.FullName}");
                return RapportCli.InvalidInput;
            }

            var json = File.ReadAllText(source.FullName);
            Hl7.Fhir.Model.Questionnaire questionnaire;
            try
            {
                questionnaire = QuestionnaireReader.Parse(json);
            }
            catch (FormatException ex)
            {
                context.Error.WriteLine($"{source.Name}: {ex.Message}");
                return RapportCli.InvalidInput;
            }

            var id = questionnaire.Id ?? questionnaire.Url?.Split('/')[^1] ?? string.Empty;
            if (!InstrumentCatalog.TryGet(id, out var pack))
            {
                context.Error.WriteLine($"{source.Name}: Questionnaire id '{id}' is not a known instrument; packs: {string.Join(", ", InstrumentCatalog.Packs.Select(p => p.Id))}");
                return RapportCli.InvalidInput;
            }

            if (pack.HasWording)
            {
                context.Error.WriteLine($"{source.Name}: {pack.Id} already ships with its wording; nothing to import");
                return RapportCli.InvalidInput;
            }

            var result = InstrumentImport.Merge(pack, json);
            if (!result.IsValid)
            {
                context.Error.WriteLine($"{source.Name}: does not match the {pack.Id} pack: {string.Join("; ", result.Errors)}");
                return RapportCli.InvalidInput;
            }

            var target = InstrumentStore.PathFor(folder, pack.Id);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.WriteAllText(target, json);
            context.Output.WriteLine($"imported {pack.Id}: {pack.Items.Count} items with wording, stored at {target}");
            return 0;
        });
        return import;
    }
}
