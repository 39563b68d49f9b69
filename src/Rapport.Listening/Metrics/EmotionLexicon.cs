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

    // Whole-word look-ups: a hash set for single words, a scan for the few phrases. Called for every utterance of a
    // session, so it avoids per-word string building.
    private static readonly HashSet<string> SingleWords = FeelingWords.Where(w => !w.Contains(' ', StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);
    private static readonly string[] Phrases = FeelingWords.Where(w => w.Contains(' ', StringComparison.Ordinal)).Select(w => " " + w + " ").ToArray();

    /// <summary>Emotion words in <paramref name="text"/>, in order of appearance, each once.</summary>
    public static IReadOnlyList<string> EmotionWordsIn(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return EmotionWordsInNormalised(Normalise(text));
    }

    private static List<string> EmotionWordsInNormalised(string normalised)
    {
        var found = new List<(string Word, int At)>();
        var start = 0;
        var lookup = SingleWords.GetAlternateLookup<ReadOnlySpan<char>>();
        for (var i = 0; i <= normalised.Length; i++)
        {
            if (i == normalised.Length || normalised[i] == ' ')
            {
                if (i > start && lookup.TryGetValue(normalised.AsSpan(start, i - start), out var word) && !found.Exists(f => f.Word == word))
                {
                    found.Add((word, start));
                }

                start = i + 1;
            }
        }

        if (normalised.Contains(' ', StringComparison.Ordinal))
        {
            var padded = " " + normalised + " ";
            foreach (var phrase in Phrases)
            {
                var at = padded.IndexOf(phrase, StringComparison.Ordinal);
                if (at >= 0)
                {
                    found.Add((phrase.Trim(), at));
                    found.Sort((a, b) => a.At.CompareTo(b.At));
                }
            }
        }

        return found.ConvertAll(f => f.Word);
    }

    /// <summary>A client names a feeling of their own.</summary>
    public static bool IsEmotionalDisclosure(string clientText)
    {
        ArgumentNullException.ThrowIfNull(clientText);
        var lower = Normalise(clientText);
        return FirstPerson.Any(p => lower.Contains(p, StringComparison.Ordinal)) && EmotionWordsInNormalised(lower).Count > 0;
    }

    /// <summary>A therapist names the client's feeling back to them.</summary>
    public static bool IsReflectionOfFeeling(string therapistText)
    {
        ArgumentNullException.ThrowIfNull(therapistText);
        var lower = Normalise(therapistText);
        return SecondPersonFeeling.Any(p => lower.Contains(p, StringComparison.Ordinal)) && EmotionWordsInNormalised(lower).Count > 0;
    }

    /// <summary>A therapist asks about the client's feeling.</summary>
    public static bool IsExplorationOfFeeling(string therapistText)
    {
        ArgumentNullException.ThrowIfNull(therapistText);
        var lower = Normalise(therapistText);
        return FeelingExplorations.Any(p => lower.Contains(p, StringComparison.Ordinal));
    }

    // Lower case, curly apostrophes straightened, everything but letters, digits, ' and - turned into single spaces.
    private static string Normalise(string text)
    {
        var buffer = text.Length <= 512 ? stackalloc char[text.Length] : new char[text.Length];
        var n = 0;
        var space = true;
        foreach (var raw in text)
        {
            var c = raw == '\u2019' ? '\'' : char.ToLowerInvariant(raw);
            if (char.IsLetterOrDigit(c) || c == '\'' || c == '-')
            {
                buffer[n++] = c;
                space = false;
            }
            else if (!space)
            {
                buffer[n++] = ' ';
                space = true;
            }
        }

        if (n > 0 && buffer[n - 1] == ' ')
        {
            n--;
        }

        return new string(buffer[..n]);
    }
}
