using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;
using Rapport.Listening.Transcripts;

namespace Rapport.Listening.Coding.Quality;

/// <summary>Word-piece budgets of the input layout (listening-quality.json "input").</summary>
public sealed record QualityInputLimits(int MaxFirst, int KeepHead, int KeepTail, int MaxPrevious, int MaxNext)
{
    public static QualityInputLimits Default { get; } = new(80, 30, 50, 40, 16);
}

/// <summary>The label order of each output head (listening-quality.json "heads").</summary>
public sealed record QualityHeads(
    [property: JsonPropertyName("behaviour")] IReadOnlyList<string> Behaviour,
    [property: JsonPropertyName("question_subtype")] IReadOnlyList<string> QuestionSubtype,
    [property: JsonPropertyName("reflection_subtype")] IReadOnlyList<string> ReflectionSubtype,
    [property: JsonPropertyName("client_talk")] IReadOnlyList<string> ClientTalk);

/// <summary>
/// listening-quality.json: how the committed ONNX model was built, its input layout, head label order, the logit bias
/// chosen in cross-validation and the figures it measured. <see cref="Cv"/> and <see cref="FixedSample"/> are kept as
/// raw JSON: they are reported, not interpreted, by the coder.
/// </summary>
public sealed record QualityModelInfo(
    int Version,
    string Base,
    int Layers,
    QualityInputLimits Input,
    QualityHeads Heads,
    IReadOnlyDictionary<string, float[]> LogitBias,
    JsonElement? Cv,
    JsonElement? FixedSample)
{
    internal static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, PropertyNameCaseInsensitive = true };

    public static QualityModelInfo Parse(string json)
    {
        var info = JsonSerializer.Deserialize<QualityModelInfo>(json, Json) ?? throw new InvalidDataException("listening-quality.json is empty");
        if (info.Input is null || info.Heads is null || info.LogitBias is null)
        {
            throw new InvalidDataException("listening-quality.json needs input, heads and logitBias");
        }

        return info;
    }

    /// <summary>The bias to add to a head's logits before argmax (zeros when none was calibrated).</summary>
    public float[] BiasFor(string head, int classes) =>
        LogitBias.TryGetValue(head, out var bias) && bias.Length == classes ? bias : new float[classes];
}

/// <summary>Token ids and token types of one model input; the attention mask is all ones.</summary>
public sealed record EncodedUtterance(long[] InputIds, long[] TokenTypeIds);

/// <summary>
/// The one home of the quality model's input: text normalisation, BERT word pieces and the layout
/// <c>[CLS] utterance [SEP] previous turn [SEP] next turn [SEP]</c>. Training (<c>rapport listen encode</c> feeds
/// tools/listening/train.py) and inference both go through here, so the model sees at run time exactly the tokens it
/// was trained on. Thread-safe.
/// </summary>
public sealed partial class QualityInput
{
    private const string Prefix = "Rapport.Listening.Coding.Quality.";
    private readonly BertTokenizer _tokenizer;

    private QualityInput(BertTokenizer tokenizer, QualityModelInfo info)
    {
        _tokenizer = tokenizer;
        Info = info;
    }

    public QualityModelInfo Info { get; }

    /// <summary>The embedded vocabulary and model description.</summary>
    public static QualityInput Load()
    {
        var assembly = typeof(QualityInput).Assembly;
        using var vocab = Resource(assembly, "vocab.txt");
        using var json = new StreamReader(Resource(assembly, "listening-quality.json"));
        return Load(vocab, QualityModelInfo.Parse(json.ReadToEnd()));
    }

    public static QualityInput Load(Stream vocabulary, QualityModelInfo info)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentNullException.ThrowIfNull(info);
        var tokenizer = BertTokenizer.Create(vocabulary, new BertOptions { LowerCaseBeforeTokenization = true, RemoveNonSpacingMarks = true });
        return new QualityInput(tokenizer, info);
    }

    internal static Stream Resource(Assembly assembly, string name) =>
        assembly.GetManifestResourceStream(Prefix + name) ?? throw new InvalidOperationException($"embedded resource {name} is missing from Rapport.Listening");

    /// <summary>
    /// The input for the utterance at <paramref name="index"/>: its own text first, then the other role's turn just
    /// before and just after it (see <see cref="Turns"/>).
    /// </summary>
    public EncodedUtterance Encode(IReadOnlyList<Utterance> utterances, int index)
    {
        var (previous, next) = Turns(utterances, index);
        return Encode(utterances[index].Text, previous, next);
    }

    /// <summary>
    /// <c>[CLS] utterance [SEP] previous [SEP] next [SEP]</c>, token type 0 up to the first [SEP], 1 after. A long
    /// utterance keeps its first <c>KeepHead</c> and last <c>KeepTail</c> word pieces (openings and endings carry the
    /// question or reflection); the previous turn keeps its end, the next turn its start (the parts next to the utterance).
    /// </summary>
    public EncodedUtterance Encode(string utterance, string previousTurn, string nextTurn)
    {
        ArgumentNullException.ThrowIfNull(utterance);
        ArgumentNullException.ThrowIfNull(previousTurn);
        ArgumentNullException.ThrowIfNull(nextTurn);
        var limits = Info.Input;
        var first = Pieces(utterance);
        if (first.Count > limits.MaxFirst)
        {
            first = [.. first.Take(limits.KeepHead), .. first.Skip(first.Count - limits.KeepTail)];
        }

        var previous = Pieces(previousTurn);
        if (previous.Count > limits.MaxPrevious)
        {
            previous = previous.GetRange(previous.Count - limits.MaxPrevious, limits.MaxPrevious);
        }

        var next = Pieces(nextTurn);
        if (next.Count > limits.MaxNext)
        {
            next = next.GetRange(0, limits.MaxNext);
        }

        var length = first.Count + previous.Count + next.Count + 4;
        var ids = new long[length];
        var types = new long[length];
        var at = 0;
        ids[at++] = _tokenizer.ClassificationTokenId;
        foreach (var id in first)
        {
            ids[at++] = id;
        }

        ids[at++] = _tokenizer.SeparatorTokenId;
        var secondStart = at;
        foreach (var id in previous)
        {
            ids[at++] = id;
        }

        ids[at++] = _tokenizer.SeparatorTokenId;
        foreach (var id in next)
        {
            ids[at++] = id;
        }

        ids[at] = _tokenizer.SeparatorTokenId;
        Array.Fill(types, 1L, secondStart, length - secondStart);
        return new EncodedUtterance(ids, types);
    }

    /// <summary>
    /// The other role's turn immediately before and after the utterance at <paramref name="index"/>: the consecutive
    /// utterances of the other role (joined with a space), skipping over further utterances of the same role in between.
    /// Empty when there is none.
    /// </summary>
    public static (string Previous, string Next) Turns(IReadOnlyList<Utterance> utterances, int index)
    {
        ArgumentNullException.ThrowIfNull(utterances);
        var role = utterances[index].Role;
        var before = index - 1;
        while (before >= 0 && utterances[before].Role == role)
        {
            before--;
        }

        var start = before;
        while (start >= 0 && utterances[start].Role != role)
        {
            start--;
        }

        var previous = string.Join(' ', Enumerable.Range(start + 1, before - start).Select(i => utterances[i].Text));
        var after = index + 1;
        while (after < utterances.Count && utterances[after].Role == role)
        {
            after++;
        }

        var end = after;
        while (end < utterances.Count && utterances[end].Role != role)
        {
            end++;
        }

        var next = string.Join(' ', Enumerable.Range(after, end - after).Select(i => utterances[i].Text));
        return (previous, next);
    }

    private List<int> Pieces(string text)
    {
        var normalised = Normalise(text);
        return normalised.Length == 0 ? [] : [.. _tokenizer.EncodeToIds(normalised, false, true, true)];
    }

    /// <summary>
    /// Transcript-source noise any source would need removed, and nothing corpus-specific: bracketed noise
    /// ("[laughs]", "(inaudible)"), hh:mm:ss timestamps, a speaker-name prefix ("Dana Smith: "), stuttered repeats
    /// ("I-I-I" → "I", "th-the" → "the"), dashes and cut-off hyphens as a space, collapsed whitespace. Hyphenated
    /// words ("mm-hmm", "well-being") stay.
    /// </summary>
    public static string Normalise(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var s = Brackets().Replace(text, " ");
        s = Timestamp().Replace(s, " ");
        s = SpeakerPrefix().Replace(s, string.Empty);
        s = Repeats().Replace(s, "$1");
        s = FalseStart().Replace(s, string.Empty);
        s = Dashes().Replace(s, " ");
        return Whitespace().Replace(s, " ").Trim();
    }

    [GeneratedRegex(@"\[[^\]\n]*\]|\([^)\n]*\)")]
    private static partial Regex Brackets();

    [GeneratedRegex(@"\b\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?\b")]
    private static partial Regex Timestamp();

    // One to three capitalised words and a colon at the very start: "Therapist:", "Dana Smith:", "CLIENT 2:".
    [GeneratedRegex(@"^\s*(?:[A-Z][\w'.]*\s?){1,3}(?:\d+\s?)?:\s+")]
    private static partial Regex SpeakerPrefix();

    [GeneratedRegex(@"\b(\w+)(?:-\1\b)+", RegexOptions.IgnoreCase)]
    private static partial Regex Repeats();

    // A cut-off start of the next word: "th-the", "wh-what".
    [GeneratedRegex(@"\b(\w{1,3})-(?=\1\w)", RegexOptions.IgnoreCase)]
    private static partial Regex FalseStart();

    // Em/en dashes, "--", and a hyphen not joining two word characters (cut-off speech: "average-", "-and").
    [GeneratedRegex(@"--+|[\u2013\u2014\u2015]|(?<!\w)-|-(?!\w)")]
    private static partial Regex Dashes();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
