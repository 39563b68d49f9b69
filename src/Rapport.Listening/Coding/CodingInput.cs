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

    /// <summary>The last sentence: in a reflection followed by a question, the question decides the code.</summary>
    public string LastSentence { get; set; } = string.Empty;

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

/// <summary>
/// Second-stage input of the stacked model: the first stage's probabilities for this utterance and for the
/// therapist utterances before and after it, plus the hand-written cues. Lets trees learn sequences
/// ("a question, then a reflection of the answer") the bag-of-words stage cannot see.
/// </summary>
public sealed class StackInput
{
    public const int Width = (3 * 7) + 2 + CodingCues.Count;

    [VectorType(Width)]
    public float[] Features { get; set; } = new float[Width];

    public string Label { get; set; } = string.Empty;

    public float Weight { get; set; } = 1f;

    /// <summary>Builds the second-stage inputs for one transcript from first-stage probabilities (FineLabels order; null for client utterances).</summary>
    public static StackInput[] Build(IReadOnlyList<float[]?> probabilities, IReadOnlyList<CodingInput?> inputs)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        ArgumentNullException.ThrowIfNull(inputs);
        var result = new StackInput[probabilities.Count];
        var previous = -1;
        for (var i = 0; i < probabilities.Count; i++)
        {
            if (probabilities[i] is not { } own)
            {
                continue;
            }

            var next = i + 1;
            while (next < probabilities.Count && probabilities[next] is null)
            {
                next++;
            }

            var stack = new StackInput { Label = inputs[i]!.Label, Weight = inputs[i]!.Weight };
            var f = stack.Features.AsSpan();
            own.CopyTo(f);
            if (previous >= 0)
            {
                probabilities[previous]!.CopyTo(f[7..]);
                f[21] = i - previous;
            }

            if (next < probabilities.Count)
            {
                probabilities[next]!.CopyTo(f[14..]);
                f[22] = next - i;
            }

            inputs[i]!.Cues.CopyTo(f[23..]);
            result[i] = stack;
            previous = i;
        }

        return result;
    }
}
