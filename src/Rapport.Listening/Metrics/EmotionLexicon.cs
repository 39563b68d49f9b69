namespace Rapport.Listening;

/// <summary>
/// A small, documented lexicon of emotion words and feeling phrases (see docs/listening.md, "Empathy markers").
/// Rules, not a model: a client utterance is an emotional disclosure when it names a feeling in the first person
/// ("I feel …", "I'm scared", "it hurts"); a therapist utterance reflects feeling when it names a feeling in the second
/// person ("you feel", "you're frustrated", "that sounds hard"), and explores feeling when it asks about one
/// ("how did that feel", "what was that like").
/// </summary>
public static class EmotionLexicon
{
    /// <summary>Emotion words (lower case; matched as whole words or word prefixes listed with their inflections).</summary>
    public static readonly string[] FeelingWords =
    [
        "afraid", "scared", "frightened", "terrified", "anxious", "anxiety", "worried", "worry", "nervous", "panic", "panicky",
        "sad", "unhappy", "depressed", "down", "miserable", "hopeless", "helpless", "worthless", "lonely", "alone", "empty",
        "angry", "mad", "furious", "frustrated", "frustrating", "annoyed", "irritated", "resentful", "upset",
        "ashamed", "shame", "embarrassed", "guilty", "guilt", "stupid", "humiliated",
        "hurt", "hurts", "hurting", "pain", "painful", "devastated", "heartbroken", "crying", "cry", "cried", "tears",
        "overwhelmed", "stressed", "stress", "exhausted", "tired", "drained", "stuck", "trapped", "lost", "confused",
        "hate", "fed up", "can't cope", "can't take", "falling apart", "breaking down", "tough", "hard", "difficult", "struggling",
        "happy", "glad", "relieved", "proud", "excited", "hopeful", "grateful",
    ];

    private static readonly string[] FirstPerson = ["i feel", "i felt", "i'm ", "i am ", "i was ", "i've been", "makes me", "made me", "it hurts", "i get ", "i got ", "i can't", "i just"];
    private static readonly string[] SecondPersonFeeling = ["you feel", "you felt", "you're feeling", "you are feeling", "you've been feeling", "you're ", "you are ", "you were ", "you've been", "that sounds", "it sounds", "must be", "must have been", "sounds like"];
    private static readonly string[] FeelingExplorations =
    [
        "how did that feel", "how does that feel", "how do you feel", "how did you feel", "how are you feeling",
        "what was that like", "what's that like", "what is that like", "how was that for you", "what did you feel",
        "what are you feeling", "what feelings", "how is that for you", "feel about",
    ];

    /// <summary>Emotion words in <paramref name="text"/>, in order of appearance.</summary>
    public static IReadOnlyList<string> EmotionWordsIn(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lower = " " + Normalise(text) + " ";
        return FeelingWords
            .Select(w => (Word: w, At: lower.IndexOf(" " + w + " ", StringComparison.Ordinal)))
            .Where(x => x.At >= 0)
            .OrderBy(x => x.At)
            .Select(x => x.Word)
            .ToList();
    }

    /// <summary>A client names a feeling of their own.</summary>
    public static bool IsEmotionalDisclosure(string clientText)
    {
        ArgumentNullException.ThrowIfNull(clientText);
        var lower = Normalise(clientText);
        return EmotionWordsIn(clientText).Count > 0 && FirstPerson.Any(p => lower.Contains(p, StringComparison.Ordinal));
    }

    /// <summary>A therapist names the client's feeling back to them.</summary>
    public static bool IsReflectionOfFeeling(string therapistText)
    {
        ArgumentNullException.ThrowIfNull(therapistText);
        var lower = Normalise(therapistText);
        return EmotionWordsIn(therapistText).Count > 0 && SecondPersonFeeling.Any(p => lower.Contains(p, StringComparison.Ordinal));
    }

    /// <summary>A therapist asks about the client's feeling.</summary>
    public static bool IsExplorationOfFeeling(string therapistText)
    {
        ArgumentNullException.ThrowIfNull(therapistText);
        var lower = Normalise(therapistText);
        return FeelingExplorations.Any(p => lower.Contains(p, StringComparison.Ordinal));
    }

    private static string Normalise(string text)
    {
        var chars = text.ToLowerInvariant().Replace('\u2019', '\'').ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (!char.IsLetterOrDigit(chars[i]) && chars[i] != '\'' && chars[i] != '-')
            {
                chars[i] = ' ';
            }
        }

        return string.Join(' ', new string(chars).Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }
}
