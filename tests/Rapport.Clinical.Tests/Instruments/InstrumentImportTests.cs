using System.Text.Json.Nodes;
using Rapport.Clinical.Instruments;
using Rapport.Clinical.Scoring;

namespace Rapport.Clinical.Tests.Instruments;

public class InstrumentImportTests
{
    internal static string LicensedCopy(string id, Func<JsonObject, JsonObject>? change = null)
    {
        // Stand-in wording: tests never contain licensed item text.
        using var stream = typeof(InstrumentCatalog).Assembly.GetManifestResourceStream($"Rapport.Clinical.Questionnaires.{id}.json")!;
        using var reader = new StreamReader(stream);
        var json = reader.ReadToEnd();
        var node = JsonNode.Parse(json)!.AsObject();
        foreach (var item in node["item"]!.AsArray())
        {
            item!["text"] = $"Licensed wording for item {item["linkId"]}";
        }

        return (change?.Invoke(node) ?? node).ToJsonString();
    }

    [Fact]
    public void Merge_WithMatchingLicensedFile_MakesThePackUsable()
    {
        var pack = InstrumentCatalog.Get("srs");
        var result = InstrumentImport.Merge(pack, LicensedCopy("srs"));
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.True(result.Instrument!.IsUsable);
        Assert.Equal("Licensed wording for item relationship", result.Instrument.Items[0].Text);
        var score = ScoreResponse.Score(result.Instrument, new Dictionary<string, int?> { ["relationship"] = 9, ["goals"] = 8, ["approach"] = 9, ["overall"] = 9 });
        Assert.Equal(35, score.Result!.Total);
    }

    [Fact]
    public void Merge_WithAMissingItem_NamesTheItemAndTheCount()
    {
        var json = LicensedCopy("wai-sr", n =>
        {
            n["item"]!.AsArray().RemoveAt(11);
            return n;
        });
        var result = InstrumentImport.Merge(InstrumentCatalog.Get("wai-sr"), json);
        Assert.False(result.IsValid);
        Assert.Contains(result.Errors, e => e.Contains("expected 12 items", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.Contains("item 12: missing", StringComparison.Ordinal));
    }

    [Fact]
    public void Merge_WithARenamedLinkId_RejectsTheUnknownItem()
    {
        var json = LicensedCopy("sai", n =>
        {
            n["item"]![0]!["linkId"] = "q1";
            return n;
        });
        var result = InstrumentImport.Merge(InstrumentCatalog.Get("sai"), json);
        Assert.Contains(result.Errors, e => e.StartsWith("item q1: not an item of sai", StringComparison.Ordinal));
    }

    [Fact]
    public void Merge_WithoutWording_SaysWhichItemLacksText()
    {
        var json = LicensedCopy("ors", n =>
        {
            n["item"]![2]!.AsObject().Remove("text");
            return n;
        });
        var result = InstrumentImport.Merge(InstrumentCatalog.Get("ors"), json);
        Assert.Contains("item social: no wording (text) given", result.Errors);
    }

    [Fact]
    public void Merge_WithInvalidJson_ReportsAParseError()
    {
        var result = InstrumentImport.Merge(InstrumentCatalog.Get("ors"), "{not json");
        Assert.False(result.IsValid);
        Assert.Single(result.Errors);
    }

    [Fact]
    public void Merge_WithAnotherInstrumentsFile_RejectsTheId()
    {
        var result = InstrumentImport.Merge(InstrumentCatalog.Get("ors"), LicensedCopy("srs"));
        Assert.Contains(result.Errors, e => e.Contains("does not match pack 'ors'", StringComparison.Ordinal));
    }
}
