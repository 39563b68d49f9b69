using Microsoft.ML.Data;

namespace Rapport.Listening.Coding;

/// <summary>
/// What the model sees for one therapist utterance: its text, how it starts and ends, the client turns around it
/// and hand-written cues. Public only because ML.NET binds to it by reflection.
/// </summary>
public sealed class CodingInput
{
    public string Text { get; set; } = string.Empty;

    /// <summary>First words, marked, so "So you …" and "What …" at the start weigh differently from inside.</summary>
    public string Lead { get; set; } = string.Empty;

    /// <summary>Last words ("…, right?").</summary>
    public string Tail { get; set; } = string.Empty;

    /// <summary>The client utterance just before, empty when the therapist spoke before too.</summary>
    public string PreviousClient { get; set; } = string.Empty;

    /// <summary>The client utterance just after: "Yeah, exactly" follows reflections, answers follow questions.</summary>
    public string NextClient { get; set; } = string.Empty;

    [VectorType(CodingCues.Count)]
    public float[] Cues { get; set; } = new float[CodingCues.Count];

    /// <summary>Fine label for training ("question:open" …); empty at prediction time.</summary>
    public string Label { get; set; } = string.Empty;

    public float Weight { get; set; } = 1f;
}

/// <summary>Model output: one probability per fine label, in the model's key order.</summary>
public sealed class CodingOutput
{
    public float[] Score { get; set; } = [];
}
