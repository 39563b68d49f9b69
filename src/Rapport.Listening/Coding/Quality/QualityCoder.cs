using Microsoft.ML.OnnxRuntime;
using Rapport.Listening.Transcripts;

namespace Rapport.Listening.Coding.Quality;

/// <summary>
/// Quality mode: a small pretrained transformer (MiniLM, Wang et al. 2020) fine-tuned on AnnoMI (Wu et al. 2023) with
/// the client turns around each utterance, int8-quantised, run by ONNX Runtime on one thread. Multi-task heads code
/// therapist behaviour, question and reflection subtypes and client talk (change, neutral, sustain).
/// Tokenisation and input layout live in <see cref="QualityInput"/>, the one home shared with training.
/// Thread-safe: ONNX Runtime sessions may be run concurrently.
/// </summary>
public sealed class QualityCoder : IUtteranceCoder
{
    public const string EmbeddedModelName = "Rapport.Listening.Coding.Quality.listening-quality.onnx";

    /// <summary>Utterances per ONNX Runtime call: sorted by length first, so little of a batch is padding.</summary>
    public const int BatchSize = 32;

    private static readonly TherapistBehaviour[] Behaviours = [TherapistBehaviour.Question, TherapistBehaviour.Reflection, TherapistBehaviour.Input, TherapistBehaviour.Other];
    private static readonly string[] InputNames = ["input_ids", "attention_mask", "token_type_ids"];

    private readonly InferenceSession _session;
    private readonly QualityInput _input;
    private readonly Heads _heads;
    private readonly string[] _outputNames;

    private QualityCoder(InferenceSession session, QualityInput input, Heads heads, CoderAgreement? agreement)
    {
        _session = session;
        _input = input;
        _heads = heads;
        Agreement = agreement;
        _outputNames = [.. new[] { "behaviour", "question_subtype", "reflection_subtype", "client_talk", "input_subtype" }.Where(session.OutputMetadata.ContainsKey)];
        if (!_outputNames.Contains("behaviour"))
        {
            throw new InvalidDataException("The quality model has no 'behaviour' output.");
        }
    }

    public CodingMode Mode => CodingMode.Quality;

    public CoderAgreement? Agreement { get; }

    /// <summary>Loads the model, vocabulary and metadata embedded in this assembly. Throws when any is missing or unreadable.</summary>
    public static QualityCoder Load()
    {
        var assembly = typeof(QualityCoder).Assembly;
        byte[] model;
        using (var stream = assembly.GetManifestResourceStream(EmbeddedModelName)
            ?? throw new InvalidOperationException($"The embedded quality model {EmbeddedModelName} is missing."))
        using (var copy = new MemoryStream())
        {
            stream.CopyTo(copy);
            model = copy.ToArray();
        }

        var input = QualityInput.Load();
        // One thread per session: the app codes in the background next to web requests, and the CLI runs one
        // process per core when it needs more (the issue's budget is one core).
        using var options = new SessionOptions
        {
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        var session = new InferenceSession(model, options);
        try
        {
            return new QualityCoder(session, input, Heads.Read(input.Info), input.Info.Cv is { } cv ? CoderAgreement.FromCv(cv) : null);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    public CodedTranscript Code(Transcript transcript)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        var all = transcript.Utterances;
        var encoded = new EncodedUtterance[all.Count];
        for (var i = 0; i < all.Count; i++)
        {
            encoded[i] = _input.Encode(all, i);
        }

        var order = Enumerable.Range(0, all.Count).OrderBy(i => encoded[i].InputIds.Length).ThenBy(i => i).ToArray();
        var logits = new Logits[all.Count];
        for (var start = 0; start < order.Length; start += BatchSize)
        {
            var batch = order.AsSpan(start, Math.Min(BatchSize, order.Length - start)).ToArray();
            Run(batch, encoded, logits);
        }

        var coded = new CodedUtterance[all.Count];
        for (var i = 0; i < all.Count; i++)
        {
            coded[i] = all[i].Role == SpeakerRole.Therapist
                ? new CodedUtterance(all[i], DecideTherapist(logits[i]))
                : new CodedUtterance(all[i], null, DecideClient(logits[i]));
        }

        return new CodedTranscript(transcript, coded, CodingMode.Quality, Agreement);
    }

    private void Run(int[] batch, EncodedUtterance[] encoded, Logits[] logits)
    {
        var width = batch.Max(i => encoded[i].InputIds.Length);
        var ids = new long[batch.Length * width];
        var mask = new long[batch.Length * width];
        var types = new long[batch.Length * width];
        for (var b = 0; b < batch.Length; b++)
        {
            var e = encoded[batch[b]];
            e.InputIds.CopyTo(ids, b * width);
            e.TokenTypeIds.CopyTo(types, b * width);
            mask.AsSpan(b * width, e.InputIds.Length).Fill(1);
        }

        long[] shape = [batch.Length, width];
        using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, shape);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, shape);
        using var typesValue = OrtValue.CreateTensorValueFromMemory(types, shape);
        using var runOptions = new RunOptions();
        using var outputs = _session.Run(runOptions, InputNames, [idsValue, maskValue, typesValue], _outputNames);
        var heads = new float[_outputNames.Length][];
        for (var o = 0; o < _outputNames.Length; o++)
        {
            heads[o] = outputs[o].GetTensorDataAsSpan<float>().ToArray();
        }

        for (var b = 0; b < batch.Length; b++)
        {
            logits[batch[b]] = new Logits(
                Slice(heads, "behaviour", b, batch.Length)!,
                Slice(heads, "question_subtype", b, batch.Length),
                Slice(heads, "reflection_subtype", b, batch.Length),
                Slice(heads, "input_subtype", b, batch.Length),
                Slice(heads, "client_talk", b, batch.Length));
        }
    }

    private float[]? Slice(float[][] heads, string name, int row, int rows)
    {
        var o = Array.IndexOf(_outputNames, name);
        if (o < 0)
        {
            return null;
        }

        var width = heads[o].Length / rows;
        return heads[o].AsSpan(row * width, width).ToArray();
    }

    private UtteranceCode DecideTherapist(Logits l)
    {
        var p = Softmax(l.Behaviour, _heads.BehaviourBias);
        var best = ArgMax(p);
        var behaviour = Behaviours[best];
        BehaviourSubtype? subtype = behaviour switch
        {
            TherapistBehaviour.Question when l.Question is { } q => ArgMax(Softmax(q, _heads.QuestionBias)) == 0 ? BehaviourSubtype.Open : BehaviourSubtype.Closed,
            TherapistBehaviour.Reflection when l.Reflection is { } r => ArgMax(Softmax(r, _heads.ReflectionBias)) == 0 ? BehaviourSubtype.Simple : BehaviourSubtype.Complex,
            TherapistBehaviour.Input when l.Input is { } n => ArgMax(Softmax(n, _heads.InputBias)) == 0 ? BehaviourSubtype.Information : BehaviourSubtype.Advice,
            _ => null,
        };
        return new UtteranceCode(behaviour, subtype, p[best]);
    }

    private ClientTalkCode? DecideClient(Logits l)
    {
        if (l.ClientTalk is not { } c)
        {
            return null;
        }

        var p = Softmax(c, _heads.ClientTalkBias);
        var best = ArgMax(p);
        return new ClientTalkCode(_heads.ClientTalk[best], p[best]);
    }

    private static float[] Softmax(float[] logits, float[]? bias)
    {
        var p = new float[logits.Length];
        var max = float.MinValue;
        for (var i = 0; i < p.Length; i++)
        {
            p[i] = logits[i] + (bias is { } b && i < b.Length ? b[i] : 0);
            max = Math.Max(max, p[i]);
        }

        var sum = 0f;
        for (var i = 0; i < p.Length; i++)
        {
            p[i] = MathF.Exp(p[i] - max);
            sum += p[i];
        }

        for (var i = 0; i < p.Length; i++)
        {
            p[i] /= sum;
        }

        return p;
    }

    private static int ArgMax(float[] p)
    {
        var best = 0;
        for (var i = 1; i < p.Length; i++)
        {
            if (p[i] > p[best])
            {
                best = i;
            }
        }

        return best;
    }

    public void Dispose() => _session.Dispose();

    private sealed record Logits(float[] Behaviour, float[]? Question, float[]? Reflection, float[]? Input, float[]? ClientTalk);

    /// <summary>Label order and calibration biases of the heads, from the model's JSON.</summary>
    private sealed record Heads(ClientTalk[] ClientTalk, float[]? BehaviourBias, float[]? QuestionBias, float[]? ReflectionBias, float[]? InputBias, float[]? ClientTalkBias)
    {
        public static Heads Read(QualityModelInfo info)
        {
            if (!info.Heads.Behaviour.SequenceEqual(["question", "reflection", "input", "other"]))
            {
                throw new InvalidDataException($"The quality model's behaviour head is [{string.Join(", ", info.Heads.Behaviour)}]; expected question, reflection, input, other.");
            }

            Expect(info.Heads.QuestionSubtype, "question_subtype", "open", "closed");
            Expect(info.Heads.ReflectionSubtype, "reflection_subtype", "simple", "complex");
            var talk = info.Heads.ClientTalk
                .Select(x => ClientTalkCode.Parse(x) ?? throw new InvalidDataException($"Unknown client-talk label '{x}'."))
                .ToArray();
            return new Heads(talk, info.BiasFor("behaviour", 4), info.BiasFor("question_subtype", 2), info.BiasFor("reflection_subtype", 2),
                info.BiasFor("input_subtype", 2), info.BiasFor("client_talk", talk.Length));
        }

        private static void Expect(IReadOnlyList<string>? labels, string head, string first, string second)
        {
            if (labels is not null && !labels.SequenceEqual([first, second]))
            {
                throw new InvalidDataException($"The quality model's {head} head must be [{first}, {second}].");
            }
        }
    }
}
