using Rapport.Listening.Transcripts;
namespace Rapport.Listening.Coding;

/// <summary>
/// Hand-written cues that MI coding manuals teach coders to notice (MITI 4.2.1; Moyers et al.): question marks and
/// question openers, reflection stems ("it sounds like", "you feel"), advice verbs, second-person framing, length,
/// position in the session and what the client said around the utterance.
/// </summary>
public static class CodingCues
{
    public const int Count = 32;

    private static readonly string[] WhWords = ["what", "how", "why", "when", "where", "who", "which", "tell", "describe"];
    private static readonly string[] Auxiliaries =
    [
        "do", "does", "did", "are", "is", "was", "were", "have", "has", "had", "can", "could", "would", "will",
        "should", "may", "might", "am", "is", "any", "anything", "shall", "won't", "don't", "didn't", "doesn't", "isn't", "aren't",
    ];

    private static readonly string[] Fillers = ["so", "and", "okay", "ok", "well", "now", "but", "alright", "right", "um", "uh", "yeah", "mm", "oh"];
    private static readonly string[] ReflectionStems =
    [
        "sounds like", "it sounds", "you feel", "you're feeling", "you are feeling", "it seems", "seems like",
        "you're saying", "what i'm hearing", "i'm hearing", "you've been", "you're not", "you don't", "you want",
        "you're worried", "you're concerned", "on the one hand", "part of you", "for you", "you're really", "you really",
    ];

    private static readonly string[] AdviceStems =
    [
        "you should", "you could", "you might want", "i recommend", "i'd recommend", "i suggest", "i'd suggest",
        "i would suggest", "i encourage", "i'd encourage", "try to", "you need to", "you have to", "you must",
        "it's important", "it is important", "make sure", "i want you to", "one thing", "some people", "options",
    ];

    private static readonly string[] InformationStems =
    [
        "research", "studies", "study", "percent", "%", "guidelines", "recommended", "drinks", "doctor", "medication",
        "risk", "we know", "the program", "our program", "we offer", "a lot of people", "many people", "typically", "means",
    ];

    private static readonly string[] OtherStems =
    [
        "mm-hmm", "mhm", "hi", "hello", "thank", "thanks", "nice to", "okay.", "ok.", "right.", "yeah.", "sure.", "great",
        "good.", "alright", "all right", "let's", "welcome", "bye", "see you",
    ];

    /// <summary>Fills <paramref name="cues"/> (length <see cref="Count"/>) for one utterance.</summary>
    public static void Fill(string text, string previousClient, string nextClient, float position, bool followsTherapist, Span<float> cues)
    {
        ArgumentNullException.ThrowIfNull(text);
        cues.Clear();
        var lower = text.ToLowerInvariant();
        var words = Words(lower);
        var first = FirstContentWord(words);
        var questionMarks = lower.Count(c => c == '?');

        cues[0] = questionMarks > 0 ? 1 : 0;
        cues[1] = lower.TrimEnd().EndsWith('?') ? 1 : 0;
        cues[2] = Math.Min(questionMarks, 3) / 3f;
        cues[3] = WhWords.Contains(first) ? 1 : 0;
        cues[4] = Auxiliaries.Contains(first) ? 1 : 0;
        cues[5] = CountStems(lower, ReflectionStems);
        cues[6] = CountStems(lower, AdviceStems);
        cues[7] = CountStems(lower, InformationStems);
        cues[8] = CountStems(lower, OtherStems);
        cues[9] = Share(words, w => w is "you" or "your" or "you're" or "you've" or "you'd" or "you'll" or "yourself");
        cues[10] = Share(words, w => w is "i" or "i'm" or "i've" or "i'd" or "i'll" or "me" or "my" or "we" or "we're" or "our" or "us");
        cues[11] = MathF.Log(1 + words.Count) / 5f;
        cues[12] = words.Count <= 3 ? 1 : 0;
        cues[13] = position;
        cues[14] = position < 0.05f ? 1 : 0;
        cues[15] = position > 0.95f ? 1 : 0;
        cues[16] = followsTherapist ? 1 : 0;
        cues[17] = previousClient.Length == 0 ? 0 : MathF.Log(1 + Transcripts.Words.Count(previousClient)) / 5f;
        cues[18] = previousClient.Contains('?', StringComparison.Ordinal) ? 1 : 0;
        cues[19] = Math.Min(EmotionLexicon.EmotionWordsIn(previousClient).Count, 3) / 3f;
        cues[20] = nextClient.Length == 0 ? 0 : MathF.Log(1 + Transcripts.Words.Count(nextClient)) / 5f;
        cues[21] = StartsWithAny(nextClient, "yes", "yeah", "yep", "no", "nope", "right", "exactly", "mm-hmm", "uh-huh", "sure", "i guess", "definitely") ? 1 : 0;
        cues[22] = Transcripts.Words.Count(nextClient) <= 3 && nextClient.Length > 0 ? 1 : 0;
        cues[23] = Math.Min(EmotionLexicon.EmotionWordsIn(text).Count, 3) / 3f;
        cues[24] = lower.Contains("right?", StringComparison.Ordinal) || lower.Contains("is that right", StringComparison.Ordinal) || lower.Contains("correct?", StringComparison.Ordinal) ? 1 : 0;
        cues[25] = first is "so" || words.Count > 0 && words[0] == "so" ? 1 : 0;
        cues[26] = lower.Contains("tell me", StringComparison.Ordinal) || lower.Contains("help me understand", StringComparison.Ordinal) ? 1 : 0;
        cues[27] = lower.Contains("if it's okay", StringComparison.Ordinal) || lower.Contains("would it be okay", StringComparison.Ordinal) || lower.Contains("is it okay", StringComparison.Ordinal) || lower.Contains("permission", StringComparison.Ordinal) ? 1 : 0;
        cues[28] = lower.Any(char.IsDigit) ? 1 : 0;
        cues[29] = Share(words, w => w is "because" or "but" or "and" or "while" or "although" or "even");
        cues[30] = lower.Contains(" or ", StringComparison.Ordinal) && questionMarks > 0 ? 1 : 0;
        cues[31] = lower.EndsWith("...", StringComparison.Ordinal) || lower.EndsWith('-') ? 1 : 0;
    }

    /// <summary>Builds the model inputs for every therapist utterance of a transcript, in order.</summary>
    public static List<CodingInput> Inputs(Transcript transcript)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        var list = new List<CodingInput>();
        var all = transcript.Utterances;
        for (var i = 0; i < all.Count; i++)
        {
            if (all[i].Role == SpeakerRole.Therapist)
            {
                list.Add(Input(all, i));
            }
        }

        return list;
    }

    /// <summary>The model input for utterance <paramref name="i"/> (a therapist utterance).</summary>
    public static CodingInput Input(IReadOnlyList<Utterance> all, int i)
    {
        ArgumentNullException.ThrowIfNull(all);
        var text = all[i].Text;
        var prev = i > 0 && all[i - 1].Role == SpeakerRole.Client ? all[i - 1].Text : string.Empty;
        var next = i + 1 < all.Count && all[i + 1].Role == SpeakerRole.Client ? all[i + 1].Text : string.Empty;
        var followsTherapist = i > 0 && all[i - 1].Role == SpeakerRole.Therapist;
        var position = all.Count <= 1 ? 0f : (float)i / (all.Count - 1);
        var input = new CodingInput
        {
            Text = text,
            PreviousClient = prev,
            NextClient = next,
        };
        var words = Words(text.ToLowerInvariant());
        input.Lead = string.Join(' ', words.Take(3).Select((w, k) => "^" + k + w));
        input.Tail = string.Join(' ', words.TakeLast(2).Select(w => w + "$")) + (text.TrimEnd().EndsWith('?') ? " ?$" : " .$");
        input.LastSentence = LastSentence(text);
        Fill(text, prev, next, position, followsTherapist, input.Cues);
        return input;
    }

    private static string LastSentence(string text)
    {
        var trimmed = text.TrimEnd();
        var end = trimmed.Length - 1;
        while (end >= 0 && (trimmed[end] is '.' or '?' or '!' or '-'))
        {
            end--;
        }

        var start = trimmed.LastIndexOfAny(['.', '?', '!'], Math.Max(0, end));
        return start < 0 || end < 0 ? trimmed : trimmed[(start + 1)..].Trim();
    }

    private static List<string> Words(string lower)
    {
        var words = new List<string>();
        var start = -1;
        for (var k = 0; k <= lower.Length; k++)
        {
            var c = k < lower.Length ? lower[k] : ' ';
            var inWord = char.IsLetterOrDigit(c) || c == '\'' || c == '-';
            if (inWord && start < 0)
            {
                start = k;
            }
            else if (!inWord && start >= 0)
            {
                words.Add(lower[start..k].Trim('-', '\''));
                start = -1;
            }
        }

        return words;
    }


    private static string FirstContentWord(List<string> words)
    {
        foreach (var w in words)
        {
            if (!Fillers.Contains(w))
            {
                return w;
            }
        }

        return words.Count > 0 ? words[0] : string.Empty;
    }

    private static float CountStems(string lower, string[] stems)
    {
        var n = 0;
        foreach (var s in stems)
        {
            if (lower.Contains(s, StringComparison.Ordinal))
            {
                n++;
            }
        }

        return Math.Min(n, 3) / 3f;
    }

    private static float Share(List<string> words, Func<string, bool> match) =>
        words.Count == 0 ? 0 : Math.Min(1f, 4f * words.Count(match) / words.Count);

    private static bool StartsWithAny(string text, params string[] starts)
    {
        var t = text.TrimStart().ToLowerInvariant();
        return starts.Any(s => t.StartsWith(s, StringComparison.Ordinal));
    }
}
