using System.Text.Json;
using Rapport.Listening.Transcripts;

namespace Rapport.Listening.Coding;

/// <summary>Which coder coded a transcript.</summary>
public enum CodingMode
{
    /// <summary>The ML.NET linear model (<see cref="UtteranceCoder"/>): fast, for batch research use and the fallback.</summary>
    Fast,

    /// <summary>The fine-tuned transformer run by ONNX Runtime (<see cref="Quality.QualityCoder"/>): slower, closer to expert coders.</summary>
    Quality,
}

/// <summary>
/// Client talk as AnnoMI labels it (Wu et al. 2023), after Miller &amp; Rollnick: change talk (the client's own
/// arguments for change), sustain talk (for the status quo), or neither.
/// </summary>
public enum ClientTalk
{
    Change,
    Neutral,
    Sustain,
}

/// <summary>The model's code for one client utterance.</summary>
public sealed record ClientTalkCode(ClientTalk Talk, float Confidence)
{
    public static string Name(ClientTalk talk) => talk.ToString().ToLowerInvariant();

    /// <summary>"change", "neutral", "sustain" (AnnoMI's <c>client_talk_type</c>); null for anything else.</summary>
    public static ClientTalk? Parse(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "change" => ClientTalk.Change,
        "neutral" => ClientTalk.Neutral,
        "sustain" => ClientTalk.Sustain,
        _ => null,
    };
}

/// <summary>
/// How well a coder agrees with expert coders, as measured by grouped 5-fold cross-validation on AnnoMI when the
/// model was trained (read from the model's own metadata, never typed in by hand).
/// </summary>
/// <param name="BehaviourMacroF1">4-way macro-F1 (question, reflection, input, other).</param>
/// <param name="SubtypeMacroF1">Macro-F1 of open/closed questions and simple/complex reflections; null when not measured.</param>
/// <param name="ClientTalkMacroF1">Macro-F1 of change/neutral/sustain talk; null when the coder does not code client talk.</param>
/// <param name="Folds">Cross-validation folds.</param>
public sealed record CoderAgreement(double BehaviourMacroF1, double? SubtypeMacroF1, double? ClientTalkMacroF1, int Folds)
{
    /// <summary>Reads the <c>cv</c> object of a model's JSON metadata: <c>behaviourMacroF1</c>, <c>subtypeMacroF1</c>, <c>clientTalkMacroF1</c>, <c>folds</c>.</summary>
    public static CoderAgreement? FromModelJson(JsonElement root)
    {
        return root.ValueKind == JsonValueKind.Object && root.TryGetProperty("cv", out var cv) ? FromCv(cv) : null;
    }

    /// <summary>Reads a <c>cv</c> object; null when it holds no 4-way figure.</summary>
    public static CoderAgreement? FromCv(JsonElement cv)
    {
        if (cv.ValueKind != JsonValueKind.Object
            || !cv.TryGetProperty("behaviourMacroF1", out var behaviour) || behaviour.ValueKind != JsonValueKind.Number || behaviour.GetDouble() <= 0)
        {
            return null;
        }

        static double? Optional(JsonElement cv, string name) =>
            cv.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.GetDouble() > 0 ? v.GetDouble() : null;
        var folds = cv.TryGetProperty("folds", out var f) && f.ValueKind == JsonValueKind.Number ? f.GetInt32() : 5;
        return new CoderAgreement(behaviour.GetDouble(), Optional(cv, "subtypeMacroF1"), Optional(cv, "clientTalkMacroF1"), folds);
    }

    /// <summary>Reads an embedded model JSON of this assembly; null when it is missing or holds no figures.</summary>
    internal static CoderAgreement? FromResource(string name)
    {
        using var stream = typeof(CoderAgreement).Assembly.GetManifestResourceStream(name);
        if (stream is null)
        {
            return null;
        }

        using var doc = JsonDocument.Parse(stream);
        return FromModelJson(doc.RootElement);
    }
}

/// <summary>
/// One seam for both coders, so the app, the CLI and the benchmarks choose a mode without knowing the model behind it.
/// Implementations are thread-safe; load one per process and share it.
/// </summary>
public interface IUtteranceCoder : IDisposable
{
    CodingMode Mode { get; }

    /// <summary>Measured agreement with experts; null when the model carries no figures.</summary>
    CoderAgreement? Agreement { get; }

    /// <summary>Codes every therapist utterance (and, in quality mode, every client utterance). Input order is kept.</summary>
    CodedTranscript Code(Transcript transcript);
}

/// <summary>Loads the coder for a mode.</summary>
public static class UtteranceCoders
{
    /// <summary>The embedded model for <paramref name="mode"/>. Throws when its files are missing or unreadable.</summary>
    public static IUtteranceCoder Load(CodingMode mode) => mode switch
    {
        CodingMode.Quality => Quality.QualityCoder.Load(),
        _ => UtteranceCoder.Load(),
    };

    public static string Name(CodingMode mode) => mode == CodingMode.Quality ? "quality" : "fast";

    public static CodingMode? Parse(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "fast" => CodingMode.Fast,
        "quality" => CodingMode.Quality,
        _ => null,
    };
}
