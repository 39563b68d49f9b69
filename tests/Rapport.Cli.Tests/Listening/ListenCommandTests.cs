using System.Text.Json;

namespace Rapport.Cli.Tests.Listening;

/// <summary>The <c>rapport listen analyze</c> contract, on synthetic transcripts written for these tests.</summary>
public sealed class ListenCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rapport-listen-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Write(string name, string content)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, content);
        return path;
    }

    private static async Task<(int Exit, string Out, string Err)> Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await RapportCli.RunAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private const string Session = """
        Therapist: Hi Sam, thanks for coming in. What would you like to talk about today?
        Client: I've been feeling really overwhelmed at work and I can't sleep.
        Therapist: It sounds like work has taken over your nights as well as your days.
        Client: Yeah, exactly. I lie awake going over emails.
        Therapist: Do you drink coffee after six?
        client: Sometimes.
        THERAPIST: What would a good night look like for you?
        """;

    [Fact]
    public async Task Analyze_PlainTextWithTherapistAndClient_PrintsOneJsonDocumentInInputOrder()
    {
        var file = Write("session.txt", Session);

        var (exit, stdout, stderr) = await Run("listen", "analyze", file);

        Assert.Equal(0, exit);
        Assert.Equal(string.Empty, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var utterances = doc.RootElement.GetProperty("utterances");
        Assert.Equal(7, utterances.GetArrayLength());
        for (var i = 0; i < 7; i++)
        {
            var u = utterances[i];
            Assert.Equal(i, u.GetProperty("index").GetInt32());
            var speaker = u.GetProperty("speaker").GetString();
            Assert.Equal(i % 2 == 0 ? "therapist" : "client", speaker);
            if (speaker == "client")
            {
                Assert.Equal(JsonValueKind.Null, u.GetProperty("behaviour").ValueKind);
                Assert.Equal(JsonValueKind.Null, u.GetProperty("subtype").ValueKind);
            }
            else
            {
                Assert.Contains(u.GetProperty("behaviour").GetString(), new[] { "question", "reflection", "input", "other" });
            }
        }

        Assert.Equal("It sounds like work has taken over your nights as well as your days.", utterances[2].GetProperty("text").GetString());
        Assert.Equal("question", utterances[6].GetProperty("behaviour").GetString());
        Assert.Equal("open", utterances[6].GetProperty("subtype").GetString());
        var summary = doc.RootElement.GetProperty("summary");
        foreach (var field in new[] { "reflectionToQuestion", "percentComplexReflections", "percentOpenQuestions", "therapistTalkShare" })
        {
            Assert.True(summary.TryGetProperty(field, out _), field);
        }

        Assert.InRange(summary.GetProperty("therapistTalkShare").GetDouble(), 0.0, 1.0);
        Assert.Equal(JsonValueKind.Array, doc.RootElement.GetProperty("missedMoments").ValueKind);
    }

    [Fact]
    public async Task Analyze_BrokenTranscript_ExitsWithTwoAndLineNumbersOnStderrOnly()
    {
        var file = Write("broken.txt", "Therapist: Hello.\nClient: Hi.\nthis line names nobody\nClient: Still here.\nno colon either\n");

        var (exit, stdout, stderr) = await Run("listen", "analyze", file);

        Assert.Equal(2, exit);
        Assert.Equal(string.Empty, stdout);
        Assert.Contains("line 3", stderr, StringComparison.Ordinal);
        Assert.Contains("line 5", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Analyze_NamedSpeakersWithoutTherapistOption_ExitsWithTwo()
    {
        var file = Write("named.txt", "Dana: What brings you here?\nSam: My mother.\n");

        var (exit, stdout, stderr) = await Run("listen", "analyze", file);

        Assert.Equal(2, exit);
        Assert.Equal(string.Empty, stdout);
        Assert.Contains("--therapist", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Analyze_WithTherapistOption_MapsNamedSpeakers()
    {
        var file = Write("named.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v Dana>What brings you here?</v>\n\n00:00:03.500 --> 00:00:06.000\n<v Sam>My mother, mostly.</v>\n");

        var (exit, stdout, _) = await Run("listen", "analyze", file, "--therapist", "Dana");

        Assert.Equal(0, exit);
        using var doc = JsonDocument.Parse(stdout);
        Assert.Equal("therapist", doc.RootElement.GetProperty("utterances")[0].GetProperty("speaker").GetString());
        Assert.Equal("client", doc.RootElement.GetProperty("utterances")[1].GetProperty("speaker").GetString());
        Assert.True(doc.RootElement.GetProperty("summary").GetProperty("therapistTalkShareByTime").GetDouble() > 0);
    }

    [Fact]
    public async Task Analyze_CsvWithTimes_KeepsRowsAsUtterances()
    {
        var file = Write("session.csv", "speaker,text,start,end\nTherapist,\"So, what brings you in?\",0,3\nClient,Stress at work,3.5,6\n");

        var (exit, stdout, _) = await Run("listen", "analyze", file);

        Assert.Equal(0, exit);
        using var doc = JsonDocument.Parse(stdout);
        Assert.Equal("So, what brings you in?", doc.RootElement.GetProperty("utterances")[0].GetProperty("text").GetString());
        Assert.Equal(2, doc.RootElement.GetProperty("utterances").GetArrayLength());
    }

    [Fact]
    public async Task Analyze_BrokenWebVtt_ReportsTheTimingLine()
    {
        var file = Write("broken.vtt", "WEBVTT\n\n00:00:01.000 --> soon\n<v Therapist>Hi</v>\n");

        var (exit, stdout, stderr) = await Run("listen", "analyze", file);

        Assert.Equal(2, exit);
        Assert.Equal(string.Empty, stdout);
        Assert.Contains("broken.vtt: line 3:", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Analyze_TextFormat_PrintsCodesSummaryAndMitiReferenceLines()
    {
        var file = Write("session.txt", Session);

        var (exit, stdout, _) = await Run("listen", "analyze", file, "--format", "text");

        Assert.Equal(0, exit);
        Assert.Contains("reflection:question", stdout, StringComparison.Ordinal);
        Assert.Contains("fair 40%, good 50%", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Analyze_UnknownFormatOrMissingFile_ExitsWithTwo()
    {
        var file = Write("session.txt", Session);

        Assert.Equal(2, (await Run("listen", "analyze", file, "--format", "xml")).Exit);
        Assert.Equal(2, (await Run("listen", "analyze", Path.Combine(_folder, "absent.txt"))).Exit);
    }

    [Fact]
    public async Task Eval_OnSyntheticLabelledCsv_PrintsPerClassTableAndConfusionMatrix()
    {
        var file = Write("labelled.csv", """
            transcript_id,utterance_id,interlocutor,utterance_text,main_therapist_behaviour,question_subtype,reflection_subtype,therapist_input_subtype
            1,0,therapist,What would you like to change?,question,open,n/a,n/a
            1,1,client,I want to cut down.,n/a,n/a,n/a,n/a
            1,2,therapist,You want to cut down.,reflection,n/a,simple,n/a
            1,3,client,Yes.,n/a,n/a,n/a,n/a
            1,4,therapist,Many people start by counting their drinks.,therapist_input,n/a,n/a,information
            1,5,therapist,Okay.,other,n/a,n/a,n/a
            """);

        var (exit, stdout, _) = await Run("listen", "eval", file);

        Assert.Equal(0, exit);
        Assert.Contains("macro-F1", stdout, StringComparison.Ordinal);
        Assert.Contains("confusion matrix", stdout, StringComparison.Ordinal);
    }
}
