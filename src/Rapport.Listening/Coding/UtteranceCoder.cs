using Microsoft.ML;
using Microsoft.ML.Data;
using Rapport.Listening.Transcripts;

namespace Rapport.Listening.Coding;

/// <summary>
/// Codes therapist utterances (question open/closed, reflection simple/complex, input information/advice, other)
/// with the ML.NET model trained on AnnoMI (Wu et al. 2023). Thread-safe: each thread gets its own prediction engine.
/// </summary>
public sealed class UtteranceCoder : IDisposable
{
    /// <summary>Name of the model embedded in this assembly.</summary>
    public const string EmbeddedModelName = "Rapport.Listening.Coding.utterance-coder.zip";

    private readonly MLContext _ml;
    private readonly ITransformer _model;
    private readonly ThreadLocal<PredictionEngine<CodingInput, CodingOutput>> _engines;
    private readonly (TherapistBehaviour Behaviour, BehaviourSubtype? Subtype)[] _slots;

    public UtteranceCoder(MLContext ml, ITransformer model)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(model);
        _ml = ml;
        _model = model;
        _engines = new ThreadLocal<PredictionEngine<CodingInput, CodingOutput>>(() => _ml.Model.CreatePredictionEngine<CodingInput, CodingOutput>(_model), trackAllValues: true);
        var schema = _engines.Value!.OutputSchema;
        var names = default(VBuffer<ReadOnlyMemory<char>>);
        schema["Score"].GetSlotNames(ref names);
        _slots = names.DenseValues().Select(n => UtteranceCode.ParseFine(n.ToString())).ToArray();
    }

    /// <summary>Loads the model shipped inside this assembly.</summary>
    public static UtteranceCoder Load()
    {
        using var stream = typeof(UtteranceCoder).Assembly.GetManifestResourceStream(EmbeddedModelName)
            ?? throw new InvalidOperationException($"The embedded model {EmbeddedModelName} is missing; run 'rapport listen train'.");
        return Load(stream);
    }

    /// <summary>Loads a model saved by <see cref="Save"/> or <c>rapport listen train</c>.</summary>
    public static UtteranceCoder Load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var ml = new MLContext(seed: 1);
        // ML.NET needs a seekable stream; the embedded resource is one, a network stream may not be.
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        copy.Position = 0;
        var model = ml.Model.Load(copy, out _);
        return new UtteranceCoder(ml, model);
    }

    public static UtteranceCoder Load(string path)
    {
        using var stream = File.OpenRead(path);
        return Load(stream);
    }

    public void Save(Stream stream) => _ml.Model.Save(_model, null, stream);

    /// <summary>Codes every therapist utterance; client utterances get no code. Input order is kept.</summary>
    public CodedTranscript Code(Transcript transcript)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        var all = transcript.Utterances;
        var coded = new CodedUtterance[all.Count];
        for (var i = 0; i < all.Count; i++)
        {
            coded[i] = new CodedUtterance(all[i], all[i].Role == SpeakerRole.Therapist ? Code(CodingCues.Input(all, i)) : null);
        }

        return new CodedTranscript(transcript, coded);
    }

    /// <summary>Codes one prepared input.</summary>
    public UtteranceCode Code(CodingInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var scores = _engines.Value!.Predict(input).Score;
        Span<float> main = stackalloc float[4];
        for (var s = 0; s < _slots.Length; s++)
        {
            main[(int)_slots[s].Behaviour] += scores[s];
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
        for (var s = 0; s < _slots.Length; s++)
        {
            if (_slots[s].Behaviour == behaviour && _slots[s].Subtype is { } st && scores[s] > bestSub)
            {
                bestSub = scores[s];
                subtype = st;
            }
        }

        var total = main[0] + main[1] + main[2] + main[3];
        return new UtteranceCode(behaviour, subtype, total > 0 ? main[best] / total : 0);
    }

    public void Dispose()
    {
        foreach (var engine in _engines.Values)
        {
            engine.Dispose();
        }

        _engines.Dispose();
    }
}
