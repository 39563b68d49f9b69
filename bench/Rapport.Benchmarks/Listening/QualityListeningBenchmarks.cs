using System.Text;
using BenchmarkDotNet.Attributes;
using Rapport.Listening;
using Rapport.Listening.Coding;
using Rapport.Listening.Coding.Quality;
using Rapport.Listening.Transcripts;

namespace Rapport.Benchmarks.Listening;

/// <summary>
/// Quality mode (the fine-tuned MiniLM on ONNX Runtime, one thread) on a one-hour session, against fast mode in the
/// same run (docs/performance.md, "Listening: quality mode"). Target: 600 utterances in at most 3 s on one core.
/// Run: <c>dotnet run -c Release --project bench/Rapport.Benchmarks -- --filter '*QualityListening*' --affinity 1 --job short</c>.
/// </summary>
[MemoryDiagnoser]
public class QualityListeningBenchmarks
{
    private QualityCoder _quality = null!;
    private UtteranceCoder _fast = null!;
    private string _sessionText = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        _quality = QualityCoder.Load();
        _fast = UtteranceCoder.Load();
        _sessionText = Session(600);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _quality.Dispose();
        _fast.Dispose();
    }

    /// <summary>Synthetic session of <paramref name="utterances"/> alternating lines (no AnnoMI text), varied so lengths differ.</summary>
    public static string Session(int utterances)
    {
        string[] therapist =
        [
            "What would you like to talk about today?", "It sounds like the evenings are the hardest part for you.", "Do you drink every day?",
            "You're worried that if you stop, you'll lose the one thing that helps you relax, and you're not sure what would take its place.",
            "Some people find it helps to plan something else for that hour.", "Okay.", "How did that feel when your daughter said it?",
            "You should talk to your doctor about the medication.", "So on the one hand you want things to change, and on the other it feels like too much right now.",
            "Mm-hmm.",
        ];
        string[] client =
        [
            "I don't know, things have been a lot lately.", "Yeah, mostly after work when I'm alone.", "I guess so. I feel stuck and tired all the time.",
            "My sister keeps telling me I need to stop, and honestly I think she's right, I just don't know where to start with it.", "No, not really.",
            "I'm scared I can't do it without it.",
        ];
        var text = new StringBuilder();
        for (var i = 0; i < utterances; i++)
        {
            text.Append(i % 2 == 0 ? "Therapist: " + therapist[i / 2 % therapist.Length] : "Client: " + client[i / 2 % client.Length]).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>Parse, code (quality), report and JSON for one hour.</summary>
    [Benchmark]
    public int AnalyseOneHourSessionQuality() => Analyse(_quality);

    /// <summary>The same in fast mode, in the same run, for the ratio.</summary>
    [Benchmark(Baseline = true)]
    public int AnalyseOneHourSessionFast() => Analyse(_fast);

    private int Analyse(IUtteranceCoder coder)
    {
        var transcript = TranscriptParser.Parse(_sessionText, TranscriptFormat.PlainText).Transcript!;
        var coded = coder.Code(transcript);
        var report = ListeningReport.Build(coded);
        return ListeningJson.ToJson(coded, report).Length;
    }
}
