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

    private static Task<(int Exit, string Out, string Err)> Run(params string[] args) => RunOn(false, args);

    private static async Task<(int Exit, string Out, string Err)> RunOn(bool terminal, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await RapportCli.RunAsync(args, output, error, terminal);
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

    [Fact]
    public async Task Analyze_FolderAndFiles_WritesOneJsonEachAndASummaryRow_AndABrokenFileDoesNotStopTheOthers()
    {
        Directory.CreateDirectory(Path.Combine(_folder, "in", "week2"));
        Write(Path.Combine("in", "a.txt"), Session);
        Write(Path.Combine("in", "week2", "a.txt"), Session.Replace("coffee", "tea", StringComparison.Ordinal));
        Write(Path.Combine("in", "notes.md"), "not a transcript");
        var broken = Write("broken.txt", "Therapist: Hello.\nthis line names nobody\n");
        var csv = Write("session.csv", "speaker,text\nTherapist,What brings you in?\nClient,Work.\n");
        var outDir = Path.Combine(_folder, "out");

        var (exit, stdout, stderr) = await Run("listen", "analyze", Path.Combine(_folder, "in"), broken, csv, "--out", outDir);

        Assert.Equal(2, exit);
        Assert.Contains("broken.txt: line 2:", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("[1/", stderr, StringComparison.Ordinal);
        Assert.Contains("3 of 4 transcripts analysed (fast mode)", stdout, StringComparison.Ordinal);
        Assert.Equal(["a-2.json", "a.json", "session.json", "summary.csv"], Directory.GetFiles(outDir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        using (var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "a.json"))))
        {
            Assert.Equal(7, doc.RootElement.GetProperty("utterances").GetArrayLength());
            Assert.Equal("fast", doc.RootElement.GetProperty("coding").GetProperty("mode").GetString());
        }

        var rows = File.ReadAllLines(Path.Combine(outDir, "summary.csv"));
        Assert.Equal(5, rows.Length);
        Assert.StartsWith("file,json,status,error,mode,utterances", rows[0], StringComparison.Ordinal);
        var brokenRow = Assert.Single(rows, r => r.Contains("broken.txt", StringComparison.Ordinal));
        Assert.Contains(",error,", brokenRow, StringComparison.Ordinal);
        var sessionRow = Assert.Single(rows, r => r.Contains("session.csv", StringComparison.Ordinal));
        Assert.Contains("session.json,ok,,fast,2,1,1,", sessionRow, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Analyze_AllGood_ExitsZero_AndShowsProgressOnlyOnATerminal()
    {
        var a = Write("a.txt", Session);
        var b = Write("b.txt", Session);

        var quiet = await Run("listen", "analyze", a, b, "--out", Path.Combine(_folder, "quiet"));
        var shown = await RunOn(true, "listen", "analyze", a, b, "--out", Path.Combine(_folder, "shown"));

        Assert.Equal(0, quiet.Exit);
        Assert.Equal(string.Empty, quiet.Err);
        Assert.Equal(0, shown.Exit);
        Assert.Contains("[2/2] b.txt", shown.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Analyze_SeveralFilesWithoutOut_OrAnUnknownMode_ExitsWithTwo()
    {
        var a = Write("a.txt", Session);
        var b = Write("b.txt", Session);

        var several = await Run("listen", "analyze", a, b);
        var mode = await Run("listen", "analyze", a, "--mode", "slow");

        Assert.Equal(2, several.Exit);
        Assert.Contains("--out", several.Err, StringComparison.Ordinal);
        Assert.Equal(string.Empty, several.Out);
        Assert.Equal(2, mode.Exit);
        Assert.Contains("fast or quality", mode.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Eval_FileWithClientTalk_InFastMode_SaysClientTalkIsNotCoded()
    {
        var file = Write("labelled.csv", """
            transcript_id,utterance_id,interlocutor,utterance_text,main_therapist_behaviour,question_subtype,reflection_subtype,therapist_input_subtype,client_talk_type
            1,0,therapist,What would you like to change?,question,open,n/a,n/a,n/a
            1,1,client,I want to cut down.,n/a,n/a,n/a,n/a,change
            1,2,therapist,You want to cut down.,reflection,n/a,simple,n/a,n/a
            1,3,client,But it helps me relax.,n/a,n/a,n/a,n/a,sustain
            """);

        var (exit, stdout, _) = await Run("listen", "eval", file, "--mode", "fast");

        Assert.Equal(0, exit);
        Assert.Contains("4-way behaviour, fast mode", stdout, StringComparison.Ordinal);
        Assert.Contains("Client talk: not coded in fast mode", stdout, StringComparison.Ordinal);
    }
}
