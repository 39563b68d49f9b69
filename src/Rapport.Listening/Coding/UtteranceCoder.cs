using System.IO.Compression;
using Microsoft.ML;
using Microsoft.ML.Data;
using Rapport.Listening.Transcripts;

namespace Rapport.Listening.Coding;

/// <summary>
/// Codes therapist utterances (question open/closed, reflection simple/complex, input information/advice, other)
/// with the ML.NET model trained on AnnoMI (Wu et al. 2023). A first stage reads each utterance's words and its
/// client neighbours; an optional second stage re-reads the first stage's probabilities in sequence. Thread-safe:
/// each thread gets its own prediction engines.
/// </summary>
public sealed class UtteranceCoder : IUtteranceCoder
{
    /// <summary>Name of the model embedded in this assembly.</summary>
    public const string EmbeddedModelName = "Rapport.Listening.Coding.utterance-coder.zip";

    /// <summary>The embedded model's metadata: its grouped cross-validation figures, written by <c>rapport listen train</c>.</summary>
    public const string EmbeddedInfoName = "Rapport.Listening.Coding.utterance-coder.json";

    private const string Stage1Entry = "stage1.zip";
    private const string Stage2Entry = "stage2.zip";

    private static readonly (TherapistBehaviour Behaviour, BehaviourSubtype? Subtype)[] FineSlots =
        UtteranceCode.FineLabels.Select(UtteranceCode.ParseFine).ToArray();

    private readonly MLContext _ml;
    private readonly ITransformer _stage1;
    private readonly ITransformer? _stage2;
    private readonly ThreadLocal<PredictionEngine<CodingInput, CodingOutput>> _engines1;
    private readonly ThreadLocal<PredictionEngine<StackInput, CodingOutput>>? _engines2;
    private readonly int[] _order1;
    private readonly int[] _order2;

    public UtteranceCoder(MLContext ml, ITransformer stage1, ITransformer? stage2 = null)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(stage1);
        _ml = ml;
        _stage1 = stage1;
        _stage2 = stage2;
        _engines1 = new(() => _ml.Model.CreatePredictionEngine<CodingInput, CodingOutput>(_stage1), trackAllValues: true);
        _order1 = SlotOrder(_engines1.Value!.OutputSchema);
        _order2 = [];
        if (stage2 is not null)
        {
            _engines2 = new(() => _ml.Model.CreatePredictionEngine<StackInput, CodingOutput>(stage2), trackAllValues: true);
            _order2 = SlotOrder(_engines2.Value!.OutputSchema);
        }
    }

    public CodingMode Mode => CodingMode.Fast;

    /// <summary>The recorded cross-validation figures of the embedded model; null for a model loaded from a file.</summary>
    public CoderAgreement? Agreement { get; private init; }

    /// <summary>True when the model has the sequence (second) stage.</summary>
    public bool IsStacked => _stage2 is not null;

    /// <summary>Loads the model shipped inside this assembly.</summary>
    public static UtteranceCoder Load()
    {
        using var stream = typeof(UtteranceCoder).Assembly.GetManifestResourceStream(EmbeddedModelName)
            ?? throw new InvalidOperationException($"The embedded model {EmbeddedModelName} is missing; run 'rapport listen train'.");
        var (ml, stage1, stage2) = Read(stream);
        return new UtteranceCoder(ml, stage1, stage2) { Agreement = CoderAgreement.FromResource(EmbeddedInfoName) };
    }

    /// <summary>Loads a model saved by <see cref="Save"/> or <c>rapport listen train</c>.</summary>
    public static UtteranceCoder Load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var (ml, stage1, stage2) = Read(stream);
        return new UtteranceCoder(ml, stage1, stage2);
    }

    private static (MLContext Ml, ITransformer Stage1, ITransformer? Stage2) Read(Stream stream)
    {
        var ml = new MLContext(seed: 1);
        using var archive = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        var stage1 = LoadEntry(ml, archive, Stage1Entry)
            ?? throw new InvalidDataException($"The model file has no {Stage1Entry} entry.");
        return (ml, stage1, LoadEntry(ml, archive, Stage2Entry));
    }

    public static UtteranceCoder Load(string path)
    {
        using var stream = File.OpenRead(path);
        return Load(stream);
    }

    /// <summary>Writes both stages into one zip (an entry per ML.NET model).</summary>
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var archive = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        SaveEntry(archive, Stage1Entry, _stage1);
        if (_stage2 is not null)
        {
            SaveEntry(archive, Stage2Entry, _stage2);
        }
    }

    /// <summary>Codes every therapist utterance; client utterances get no code. Input order is kept.</summary>
    public CodedTranscript Code(Transcript transcript)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        var all = transcript.Utterances;
        var inputs = new CodingInput?[all.Count];
        var probabilities = new float[]?[all.Count];
        for (var i = 0; i < all.Count; i++)
        {
            if (all[i].Role == SpeakerRole.Therapist)
            {
                inputs[i] = CodingCues.Input(all, i);
                probabilities[i] = Stage1(inputs[i]!);
            }
        }

        if (_engines2 is not null)
        {
            var stacked = StackInput.Build(probabilities, inputs);
            var engine = _engines2.Value!;
            var final = new float[]?[all.Count];
            for (var i = 0; i < all.Count; i++)
            {
                if (stacked[i] is { } s)
                {
                    final[i] = Reorder(engine.Predict(s).Score, _order2);
                }
            }

            probabilities = final;
        }

        var coded = new CodedUtterance[all.Count];
        for (var i = 0; i < all.Count; i++)
        {
            coded[i] = new CodedUtterance(all[i], probabilities[i] is { } p ? Decide(p) : null);
        }

        return new CodedTranscript(transcript, coded, CodingMode.Fast, Agreement);
    }

    /// <summary>First-stage probabilities for one input, in <see cref="UtteranceCode.FineLabels"/> order.</summary>
    public float[] Stage1(CodingInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Reorder(_engines1.Value!.Predict(input).Score, _order1);
    }

    /// <summary>
    /// First-stage probabilities for many inputs through one ML.NET <c>Transform</c> pass (the batch alternative to
    /// the per-utterance prediction engine; docs/performance.md compares them).
    /// </summary>
    public List<float[]> Stage1Batch(IEnumerable<CodingInput> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var scored = _stage1.Transform(_ml.Data.LoadFromEnumerable(inputs));
        return _ml.Data.CreateEnumerable<CodingOutput>(scored, reuseRowObject: false)
            .Select(o => Reorder(o.Score, _order1))
            .ToList();
    }

    /// <summary>Behaviour = the family with the largest summed probability; subtype = the likeliest within it.</summary>
    public static UtteranceCode Decide(float[] probabilities)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        Span<float> main = stackalloc float[4];
        for (var s = 0; s < FineSlots.Length; s++)
        {
            main[(int)FineSlots[s].Behaviour] += probabilities[s];
        }

        var best = 0;
        for (var b = 1; b < 4; b++)
        {
            if (main[b] > main[best])
            {
                best = b;
            }
        }

        var behaviour = (TherapistBehaviour)best;
        BehaviourSubtype? subtype = null;
        var bestSub = float.MinValue;
        for (var s = 0; s < FineSlots.Length; s++)
        {
            if (FineSlots[s].Behaviour == behaviour && FineSlots[s].Subtype is { } st && probabilities[s] > bestSub)
            {
                bestSub = probabilities[s];
                subtype = st;
            }
        }

        var total = main[0] + main[1] + main[2] + main[3];
        return new UtteranceCode(behaviour, subtype, total > 0 ? main[best] / total : 0);
    }

    public void Dispose()
    {
        foreach (var engine in _engines1.Values)
        {
            engine.Dispose();
        }

        _engines1.Dispose();
        if (_engines2 is not null)
        {
            foreach (var engine in _engines2.Values)
            {
                engine.Dispose();
            }

            _engines2.Dispose();
        }
    }

    // Model slot s holds FineLabels[order[s]].
    private static int[] SlotOrder(DataViewSchema schema)
    {
        var names = default(VBuffer<ReadOnlyMemory<char>>);
        schema["Score"].GetSlotNames(ref names);
        return names.DenseValues().Select(n => UtteranceCode.FineLabels.ToList().IndexOf(n.ToString())).ToArray();
    }

    private static float[] Reorder(float[] scores, int[] order)
    {
        var result = new float[UtteranceCode.FineLabels.Count];
        for (var s = 0; s < scores.Length; s++)
        {
            if (order[s] >= 0)
            {
                result[order[s]] = scores[s];
            }
        }

        return result;
    }

    private static ITransformer? LoadEntry(MLContext ml, ZipArchive archive, string name)
    {
        var entry = archive.GetEntry(name);
        if (entry is null)
        {
            return null;
        }

        // ML.NET needs a seekable stream.
        using var copy = new MemoryStream();
        using (var source = entry.Open())
        {
            source.CopyTo(copy);
        }

        copy.Position = 0;
        return ml.Model.Load(copy, out _);
    }

    private void SaveEntry(ZipArchive archive, string name, ITransformer model)
    {
        // Already-compressed ML.NET zips gain nothing from a second deflate.
        var entry = archive.CreateEntry(name, CompressionLevel.NoCompression);
        using var buffer = new MemoryStream();
        _ml.Model.Save(model, null, buffer);
        using var target = entry.Open();
        buffer.Position = 0;
        buffer.CopyTo(target);
    }
}
