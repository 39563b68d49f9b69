using System.Text;
using BenchmarkDotNet.Attributes;
using Rapport.Listening;
using Rapport.Listening.Coding;
using Rapport.Listening.Transcripts;

namespace Rapport.Benchmarks.Listening;

/// <summary>
/// Utterance coding throughput and whole-session analysis time (docs/performance.md, "Listening").
/// Run: <c>dotnet run -c Release --project bench/Rapport.Benchmarks -- --filter '*Listening*' --affinity 1</c>.
/// </summary>
[MemoryDiagnoser]
public class ListeningBenchmarks
{
    // Synthetic lines written for the benchmark (no AnnoMI text).
    private static readonly string[] TherapistLines =
    [
        "What would you like to talk about today?",
        "It sounds like the evenings are the hardest part for you.",
        "Do you drink every day?",
        "You're worried that if you stop, you'll lose the one thing that helps you relax.",
        "Some people find it helps to plan something else for that hour.",
        "Okay.",
        "How did that feel when your daughter said it?",
        "You should talk to your doctor about the medication.",
        "So on the one hand you want things to change, and on the other it feels like too much right now.",
        "Mm-hmm.",
    ];

    private static readonly string[] ClientLines =
    [
        "I don't know, things have been a lot lately.",
        "Yeah, mostly after work when I'm alone.",
        "I guess so. I feel stuck and tired all the time.",
        "My sister keeps telling me I need to stop.",
        "No, not really.",
        "I'm scared I can't do it without it.",
    ];

    private UtteranceCoder _coder = null!;
    private Transcript _session = null!;
    private string _sessionText = string.Empty;

    /// <summary>Therapist utterances per <see cref="CodeTherapistUtterances"/> call.</summary>
    public const int Batch = 1000;

    [GlobalSetup]
    public void Setup()
    {
        _coder = UtteranceCoder.Load();
        var text = new StringBuilder();
        for (var i = 0; i < 600; i++)
        {
            text.Append(i % 2 == 0 ? "Therapist: " + TherapistLines[i / 2 % TherapistLines.Length] : "Client: " + ClientLines[i / 2 % ClientLines.Length]).Append('\n');
        }

        _sessionText = text.ToString();
        _session = TranscriptParser.Parse(_sessionText, TranscriptFormat.PlainText).Transcript!;
    }

    [GlobalCleanup]
    public void Cleanup() => _coder.Dispose();

    /// <summary>Features and first-stage prediction for 1,000 therapist utterances, one at a time.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public float CodeTherapistUtterances()
    {
        var sum = 0f;
        for (var i = 0; i < Batch; i++)
        {
            var u = _session.Utterances;
            var k = 2 * (i % (u.Count / 2));
            sum += _coder.Stage1(CodingCues.Input(u, k))[0];
        }

        return sum;
    }

    /// <summary>The same 1,000 utterances through one batch Transform (inputs prepared inside the timing too).</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public int CodeTherapistUtterancesBatchTransform()
    {
        var u = _session.Utterances;
        var inputs = new CodingInput[Batch];
        for (var i = 0; i < Batch; i++)
        {
            inputs[i] = CodingCues.Input(u, 2 * (i % (u.Count / 2)));
        }

        return _coder.Stage1Batch(inputs).Count;
    }

    /// <summary>Hand-written cues and text preparation alone, per therapist utterance.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public int FeaturesOnly()
    {
        var n = 0;
        var u = _session.Utterances;
        for (var i = 0; i < Batch; i++)
        {
            n += CodingCues.Input(u, 2 * (i % (u.Count / 2))).Lead.Length;
        }

        return n;
    }

    /// <summary>A one-hour session (600 utterances, 300 therapist): parse, code both stages, build the report and JSON.</summary>
    [Benchmark]
    public int AnalyseOneHourSession()
    {
        var transcript = TranscriptParser.Parse(_sessionText, TranscriptFormat.PlainText).Transcript!;
        var coded = _coder.Code(transcript);
        var report = ListeningReport.Build(coded);
        return ListeningJson.ToJson(coded, report).Length;
    }

    /// <summary>Loading the embedded model (allocations bound its resident size).</summary>
    [Benchmark]
    public bool LoadModel()
    {
        using var coder = UtteranceCoder.Load();
        return coder.IsStacked;
    }
}
