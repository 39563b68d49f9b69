using System.Text.Json;

namespace Rapport.Cli.Tests.Listening;

/// <summary><c>rapport listen encode</c>: the training export of the quality model, on a synthetic labelled file.</summary>
public sealed class ListenEncodeCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rapport-encode-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static async Task<(int Exit, string Out, string Err)> Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await RapportCli.RunAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Encode_WritesOneJsonLinePerUtteranceWithLabelsAndGroup()
    {
        File.WriteAllText(Path.Combine(_folder, "AnnoMI-full-train.csv"), """
            transcript_id,video_url,utterance_id,interlocutor,utterance_text,main_therapist_behaviour,question_subtype,reflection_subtype,therapist_input_subtype,client_talk_type
            1,v9,0,therapist,How has the week been?,question,open,n/a,n/a,n/a
            1,v9,1,client,I walked twice and it felt good.,n/a,n/a,n/a,n/a,change
            """);
        var target = Path.Combine(_folder, "out", "encoded.jsonl");

        var (exit, stdout, _) = await Run("listen", "encode", "--data", _folder, "--out", target);

        Assert.Equal(0, exit);
        Assert.Contains("2 utterances", stdout, StringComparison.Ordinal);
        var lines = File.ReadAllLines(target).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(["therapist", "client"], lines.Select(l => l.GetProperty("role").GetString()));
        Assert.Equal("open", lines[0].GetProperty("question_subtype").GetString());
        Assert.Equal("change", lines[1].GetProperty("client_talk").GetString());
        Assert.Equal(JsonValueKind.Null, lines[1].GetProperty("behaviour").ValueKind);
        Assert.All(lines, l => Assert.Equal("v9", l.GetProperty("group").GetString()));
    }

    [Fact]
    public async Task Encode_WithoutTheDataFile_FailsAndWritesNothing()
    {
        var target = Path.Combine(_folder, "encoded.jsonl");

        var (exit, _, stderr) = await Run("listen", "encode", "--data", Path.Combine(_folder, "missing"), "--out", target);

        Assert.Equal(2, exit);
        Assert.Contains("AnnoMI-full-train.csv", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(target));
    }
}
