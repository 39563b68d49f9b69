using System.Text.Json.Nodes;

namespace Rapport.Cli.Tests.Clinical;

public class InstrumentsCommandTests
{
    private static string LicensedSrs(bool dropItem = false)
    {
        var node = new JsonObject
        {
            ["resourceType"] = "Questionnaire",
            ["id"] = "srs",
            ["status"] = "active",
        };
        var items = new JsonArray();
        foreach (var linkId in dropItem ? new[] { "relationship", "goals", "approach" } : ["relationship", "goals", "approach", "overall"])
        {
            // Stand-in text: the real wording is licensed and never committed.
            items.Add(new JsonObject { ["linkId"] = linkId, ["type"] = "integer", ["text"] = $"Licensed wording ({linkId})" });
        }

        node["item"] = items;
        return node.ToJsonString();
    }

    [Fact]
    public async Task Instruments_ListsEveryIdWithItsLicenceStatus()
    {
        var run = await CliRunner.Run("instruments", "--data", CliRunner.TempFolder());
        Assert.Equal(0, run.ExitCode);
        var rows = run.OutputLines.Skip(1).Select(l => l.Split('\t')).ToArray();
        Assert.Equal(["phq-9", "gad-7", "c-nip", "rapport-session-check", "wai-sr", "srs", "ors", "sai"], rows.Select(r => r[0]));
        Assert.Equal(["open", "open", "open", "open", "licence-required", "licence-required", "licence-required", "licence-required"], rows.Select(r => r[2]));
    }

    [Fact]
    public async Task Import_ValidLicensedFile_StoresItAndMakesThePackUsable()
    {
        var data = CliRunner.TempFolder();
        var file = CliRunner.TempFile(LicensedSrs(), ".json");
        var import = await CliRunner.Run("instruments", "import", file, "--data", data);
        Assert.Equal(0, import.ExitCode);
        Assert.True(File.Exists(Path.Combine(data, "instruments", "srs.json")));

        var list = await CliRunner.Run("instruments", "--data", data);
        Assert.Contains(list.OutputLines, l => l.StartsWith("srs\talliance\tlicence-required\timported", StringComparison.Ordinal));

        var score = await CliRunner.Run("score", "--instrument", "srs", "--answers", "9,8,9,9", "--data", data);
        Assert.Equal(0, score.ExitCode);
        Assert.Contains("\"total\":35", score.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_FileWithAMissingItem_IsRejectedAndNothingIsStored()
    {
        var data = CliRunner.TempFolder();
        var file = CliRunner.TempFile(LicensedSrs(dropItem: true), ".json");
        var run = await CliRunner.Run("instruments", "import", file, "--data", data);
        Assert.Equal(RapportCli.InvalidInput, run.ExitCode);
        Assert.Contains("expected 4 items for srs, found 3", run.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(data));
    }

    [Fact]
    public async Task Import_BundledInstrument_IsRefused()
    {
        var file = CliRunner.TempFile("{\"resourceType\":\"Questionnaire\",\"id\":\"phq-9\",\"status\":\"active\"}", ".json");
        var run = await CliRunner.Run("instruments", "import", file, "--data", CliRunner.TempFolder());
        Assert.Equal(RapportCli.InvalidInput, run.ExitCode);
        Assert.Contains("already ships with its wording", run.Error, StringComparison.Ordinal);
    }
}
