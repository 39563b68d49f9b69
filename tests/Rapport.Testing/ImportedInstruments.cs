using System.Text.Json.Nodes;
using Rapport.Clinical.Instruments;
using Rapport.Measures;

namespace Rapport.Testing;

/// <summary>A data folder as <c>rapport instruments import</c> leaves it, for tests of imported wording.</summary>
public static class ImportedInstruments
{
    /// <summary>A stand-in "imported" C-NIP: the shipped structure with test wording on every item (never the official text).</summary>
    public static InstrumentSource WithCNip(string folder)
    {
        using var stream = typeof(InstrumentCatalog).Assembly.GetManifestResourceStream("Rapport.Clinical.Questionnaires.c-nip.json")!;
        var node = JsonNode.Parse(stream)!.AsObject();
        foreach (var scale in node["item"]!.AsArray())
        {
            foreach (var item in scale!["item"]!.AsArray())
            {
                item!["text"] = $"Test wording for C-NIP item {item["linkId"]}";
            }
        }

        Directory.CreateDirectory(Path.Combine(folder, "instruments"));
        File.WriteAllText(Path.Combine(folder, "instruments", "c-nip.json"), node.ToJsonString());
        return new InstrumentSource(folder);
    }
}
