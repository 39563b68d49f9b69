using Rapport.Listening.Transcripts;

namespace Rapport.Listening.Coding;

/// <summary>
/// Main therapist behaviour, as annotated in AnnoMI (Wu et al. 2023, Future Internet 15(3):110), which follows the
/// MITI families: questions, reflections, therapist input (giving information, advice) and everything else.
/// </summary>
public enum TherapistBehaviour
{
    Question,
    Reflection,
    Input,
    Other,
}

/// <summary>
/// Finer code within a behaviour: open/closed questions, simple/complex reflections, information/advice input
/// (AnnoMI's "options" and "negotiation" are folded into advice: too rare to learn alone).
/// </summary>
public enum BehaviourSubtype
{
    Open,
    Closed,
    Simple,
    Complex,
    Information,
    Advice,
}

/// <summary>The model's code for one therapist utterance.</summary>
/// <param name="Behaviour">Most probable main behaviour.</param>
/// <param name="Subtype">Most probable subtype within it; null for <see cref="TherapistBehaviour.Other"/>.</param>
/// <param name="Confidence">Probability of <paramref name="Behaviour"/> (0–1).</param>
public sealed record UtteranceCode(TherapistBehaviour Behaviour, BehaviourSubtype? Subtype, float Confidence)
{
    /// <summary>The seven fine labels the model learns, in a fixed order.</summary>
    public static IReadOnlyList<string> FineLabels { get; } =
    [
        "question:open", "question:closed", "reflection:simple", "reflection:complex",
        "input:information", "input:advice", "other",
    ];

    public static string Name(TherapistBehaviour behaviour) => behaviour switch
    {
        TherapistBehaviour.Question => "question",
        TherapistBehaviour.Reflection => "reflection",
        TherapistBehaviour.Input => "input",
        _ => "other",
    };

    public static string Name(BehaviourSubtype subtype) => subtype.ToString().ToLowerInvariant();

    /// <summary>Splits a fine label ("question:open") into its parts.</summary>
    public static (TherapistBehaviour Behaviour, BehaviourSubtype? Subtype) ParseFine(string fine)
    {
        ArgumentNullException.ThrowIfNull(fine);
        var colon = fine.IndexOf(':', StringComparison.Ordinal);
        var main = colon < 0 ? fine : fine[..colon];
        var behaviour = main switch
        {
            "question" => TherapistBehaviour.Question,
            "reflection" => TherapistBehaviour.Reflection,
            "input" => TherapistBehaviour.Input,
            _ => TherapistBehaviour.Other,
        };
        BehaviourSubtype? subtype = colon < 0 ? null : Enum.Parse<BehaviourSubtype>(fine[(colon + 1)..], ignoreCase: true);
        return (behaviour, subtype);
    }
}

/// <summary>An utterance with its code: therapist utterances get a behaviour; client utterances a client-talk code when the coder reads client talk (quality mode).</summary>
public sealed record CodedUtterance(Utterance Utterance, UtteranceCode? Code, ClientTalkCode? Talk = null);

/// <summary>A transcript whose utterances have been coded, with the coder that did it and how well it agrees with experts.</summary>
public sealed record CodedTranscript(Transcript Transcript, IReadOnlyList<CodedUtterance> Utterances, CodingMode Mode = CodingMode.Fast, CoderAgreement? Agreement = null)
{
    /// <summary>True when client utterances carry change/neutral/sustain codes.</summary>
    public bool HasClientTalk => Utterances.Any(u => u.Talk is not null);
}
