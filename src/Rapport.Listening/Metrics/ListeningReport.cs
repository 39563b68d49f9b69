using Rapport.Listening.Coding;
using Rapport.Listening.Transcripts;

namespace Rapport.Listening;

/// <summary>
/// MITI 4.2.1 reference lines (Moyers, Manuel &amp; Ernst; thresholds are expert opinion, with no normative data). Shown
/// beside a session's figures as descriptive indicators, never as proficiency grades: the MITI was built for
/// motivational interviewing on 20-minute segments, and most therapy sessions are neither.
/// </summary>
public static class MitiReference
{
    public const double ReflectionToQuestionFair = 1.0;
    public const double ReflectionToQuestionGood = 2.0;
    public const double PercentComplexReflectionsFair = 40.0;
    public const double PercentComplexReflectionsGood = 50.0;

    /// <summary>"below fair", "fair" or "good" relative to the reference lines; null when the figure is undefined.</summary>
    public static string? Band(double? value, double fair, double good) => value switch
    {
        null => null,
        >= 0 when value >= good => "good",
        >= 0 when value >= fair => "fair",
        _ => "below fair",
    };
}

/// <summary>
/// A moment the therapist may want to look at again: a client's emotional disclosure answered by a closed question or
/// advice rather than a reflection (<see cref="Kind"/> "feeling"), or the client's change talk answered by neither a
/// reflection nor a question about it ("change talk", quality mode only).
/// </summary>
/// <param name="ClientIndex">Index of the client utterance.</param>
/// <param name="ClientText">What the client said.</param>
/// <param name="TherapistIndex">Index of the therapist's reply.</param>
/// <param name="TherapistText">What the therapist said.</param>
/// <param name="Response">How the therapist answered: "closed question", "advice", "information", "input" or "other".</param>
/// <param name="EmotionWords">The feeling words that made the client utterance a disclosure (empty for change talk).</param>
/// <param name="Weight">Ranking weight: more feeling words and more confident codes rank higher.</param>
/// <param name="Kind">"feeling" or "change talk".</param>
public sealed record MissedMoment(int ClientIndex, string ClientText, int TherapistIndex, string TherapistText, string Response, IReadOnlyList<string> EmotionWords, double Weight, string Kind = MissedMoment.Feeling)
{
    public const string Feeling = "feeling";
    public const string ChangeTalk = "change talk";
}

/// <summary>
/// How the therapist answered one kind of client talk: the therapist utterance right after the client's turn was a
/// reflection, a question, or something else (information, advice, other). MI's core process measure: reflecting
/// and asking about change talk strengthens it (Miller &amp; Rollnick 2013; Magill et al. 2018).
/// </summary>
public sealed record TalkResponses(int Utterances, int Reflected, int AskedAbout, int Other, int Unanswered)
{
    /// <summary>Share of answered utterances met with a reflection or a question about them (0–1); null when none were answered.</summary>
    public double? PickedUpShare => Reflected + AskedAbout + Other == 0 ? null : Math.Round((double)(Reflected + AskedAbout) / (Reflected + AskedAbout + Other), 3, MidpointRounding.AwayFromZero);
}

/// <summary>Session figures. Percentages are 0–100; shares are 0–1; null when undefined (e.g. no questions, no timestamps).</summary>
public sealed record ListeningSummary
{
    public int TherapistUtterances { get; init; }
    public int ClientUtterances { get; init; }
    public int Questions { get; init; }
    public int OpenQuestions { get; init; }
    public int ClosedQuestions { get; init; }
    public int Reflections { get; init; }
    public int SimpleReflections { get; init; }
    public int ComplexReflections { get; init; }
    public int Information { get; init; }
    public int Advice { get; init; }
    public int Other { get; init; }

    /// <summary>R:Q = reflections / questions (MITI 4.2.1).</summary>
    public double? ReflectionToQuestion { get; init; }

    /// <summary>%CR = complex / (simple + complex) reflections × 100 (MITI 4.2.1).</summary>
    public double? PercentComplexReflections { get; init; }

    /// <summary>Open / all questions × 100. MITI 4.x no longer separates open and closed questions; MITI 3.1 did.</summary>
    public double? PercentOpenQuestions { get; init; }

    /// <summary>Therapist words / all words.</summary>
    public double? TherapistTalkShare { get; init; }

    /// <summary>Therapist speaking time / all speaking time, when every utterance has timestamps.</summary>
    public double? TherapistTalkShareByTime { get; init; }

    /// <summary>Mean words per therapist turn (consecutive therapist utterances form one turn).</summary>
    public double? MeanTherapistTurnWords { get; init; }

    public double? MeanClientTurnWords { get; init; }

    /// <summary>Therapist words per minute of therapist speaking time.</summary>
    public double? TherapistWordsPerMinute { get; init; }

    /// <summary>All words per minute of session (first start to last end).</summary>
    public double? SessionWordsPerMinute { get; init; }

    /// <summary>Utterances that start before the other speaker's previous utterance ends.</summary>
    public int? Overlaps { get; init; }

    /// <summary>Overlaps where the therapist starts at least one second before the client has finished.</summary>
    public int? TherapistInterruptions { get; init; }

    /// <summary>Overlaps where a client starts at least one second before the therapist has finished.</summary>
    public int? ClientInterruptions { get; init; }

    /// <summary>Therapist utterances naming the client's feeling (see <see cref="EmotionLexicon"/>).</summary>
    public int ReflectionsOfFeeling { get; init; }

    /// <summary>Therapist utterances asking about the client's feeling.</summary>
    public int ExplorationsOfFeeling { get; init; }

    /// <summary>Client utterances disclosing a feeling.</summary>
    public int ClientEmotionalDisclosures { get; init; }

    /// <summary>"fast" or "quality": which coder coded the session.</summary>
    public string Mode { get; init; } = "fast";

    /// <summary>The coder's measured 4-way agreement with expert coders (macro-F1, grouped cross-validation); null when unknown.</summary>
    public double? CoderMacroF1 { get; init; }

    /// <summary>How the therapist answered change talk; null when client talk was not coded (fast mode).</summary>
    public TalkResponses? ChangeTalk { get; init; }

    /// <summary>How the therapist answered sustain talk; null when client talk was not coded.</summary>
    public TalkResponses? SustainTalk { get; init; }

    /// <summary>Client utterances coded neutral; null when client talk was not coded.</summary>
    public int? NeutralTalk { get; init; }

    /// <summary>Band of R:Q against the MITI reference lines (descriptive).</summary>
    public string? ReflectionToQuestionBand => MitiReference.Band(ReflectionToQuestion, MitiReference.ReflectionToQuestionFair, MitiReference.ReflectionToQuestionGood);

    /// <summary>Band of %CR against the MITI reference lines (descriptive).</summary>
    public string? PercentComplexReflectionsBand => MitiReference.Band(PercentComplexReflections, MitiReference.PercentComplexReflectionsFair, MitiReference.PercentComplexReflectionsGood);
}

/// <summary>Listening metrics for one coded session: the summary and the top missed moments.</summary>
public sealed record ListeningReport(ListeningSummary Summary, IReadOnlyList<MissedMoment> MissedMoments)
{
    /// <summary>How many missed moments a report lists.</summary>
    public const int MissedMomentLimit = 5;

    /// <summary>Interruption threshold: overlaps shorter than this are back-channels or turn-taking noise.</summary>
    public static readonly TimeSpan InterruptionOverlap = TimeSpan.FromSeconds(1);

    public static ListeningReport Build(CodedTranscript coded)
    {
        ArgumentNullException.ThrowIfNull(coded);
        var u = coded.Utterances;
        int Count(TherapistBehaviour b, BehaviourSubtype? s = null) =>
            u.Count(x => x.Code is { } c && c.Behaviour == b && (s is null || c.Subtype == s));

        var questions = Count(TherapistBehaviour.Question);
        var open = Count(TherapistBehaviour.Question, BehaviourSubtype.Open);
        var closed = Count(TherapistBehaviour.Question, BehaviourSubtype.Closed);
        var reflections = Count(TherapistBehaviour.Reflection);
        var simple = Count(TherapistBehaviour.Reflection, BehaviourSubtype.Simple);
        var complex = Count(TherapistBehaviour.Reflection, BehaviourSubtype.Complex);

        var words = u.Select(x => Words.Count(x.Utterance.Text)).ToArray();
        var therapistWords = u.Where(x => x.Utterance.Role == SpeakerRole.Therapist).Sum(x => Words.Count(x.Utterance.Text));
        var totalWords = words.Sum();

        var turns = Turns(u.Select(x => x.Utterance).ToList(), words);
        var summary = new ListeningSummary
        {
            TherapistUtterances = u.Count(x => x.Utterance.Role == SpeakerRole.Therapist),
            ClientUtterances = u.Count(x => x.Utterance.Role == SpeakerRole.Client),
            Questions = questions,
            OpenQuestions = open,
            ClosedQuestions = closed,
            Reflections = reflections,
            SimpleReflections = simple,
            ComplexReflections = complex,
            Information = Count(TherapistBehaviour.Input, BehaviourSubtype.Information),
            Advice = Count(TherapistBehaviour.Input, BehaviourSubtype.Advice),
            Other = Count(TherapistBehaviour.Other),
            ReflectionToQuestion = questions == 0 ? null : Round((double)reflections / questions, 2),
            PercentComplexReflections = simple + complex == 0 ? null : Round(100.0 * complex / (simple + complex), 1),
            PercentOpenQuestions = open + closed == 0 ? null : Round(100.0 * open / (open + closed), 1),
            TherapistTalkShare = totalWords == 0 ? null : Round((double)therapistWords / totalWords, 3),
            MeanTherapistTurnWords = MeanOf(turns.Where(t => t.Role == SpeakerRole.Therapist).Select(t => (double)t.Words)),
            MeanClientTurnWords = MeanOf(turns.Where(t => t.Role == SpeakerRole.Client).Select(t => (double)t.Words)),
            ReflectionsOfFeeling = u.Count(x => x.Utterance.Role == SpeakerRole.Therapist && EmotionLexicon.IsReflectionOfFeeling(x.Utterance.Text)),
            ExplorationsOfFeeling = u.Count(x => x.Utterance.Role == SpeakerRole.Therapist && EmotionLexicon.IsExplorationOfFeeling(x.Utterance.Text)),
            ClientEmotionalDisclosures = u.Count(x => x.Utterance.Role == SpeakerRole.Client && EmotionLexicon.IsEmotionalDisclosure(x.Utterance.Text)),
            Mode = UtteranceCoders.Name(coded.Mode),
            CoderMacroF1 = coded.Agreement?.BehaviourMacroF1,
        };
        if (coded.HasClientTalk)
        {
            summary = summary with
            {
                ChangeTalk = AnswersTo(u, ClientTalk.Change),
                SustainTalk = AnswersTo(u, ClientTalk.Sustain),
                NeutralTalk = u.Count(x => x.Talk?.Talk == ClientTalk.Neutral),
            };
        }

        if (coded.Transcript.HasTimestamps)
        {
            summary = WithTiming(summary, u.Select(x => x.Utterance).ToList(), words);
        }

        return new ListeningReport(summary, FindMissedMoments(u));
    }

    /// <summary>
    /// The therapist's answer to a client utterance: the first therapist utterance after it, provided only the
    /// client's own turn lies in between; null at the end of the session. Each client utterance counts once.
    /// </summary>
    public static CodedUtterance? AnswerTo(IReadOnlyList<CodedUtterance> utterances, int clientIndex)
    {
        ArgumentNullException.ThrowIfNull(utterances);
        for (var j = clientIndex + 1; j < utterances.Count; j++)
        {
            if (utterances[j].Utterance.Role == SpeakerRole.Therapist)
            {
                return utterances[j].Code is null ? null : utterances[j];
            }
        }

        return null;
    }

    /// <summary>How the therapist answered every client utterance coded <paramref name="talk"/>.</summary>
    public static TalkResponses AnswersTo(IReadOnlyList<CodedUtterance> utterances, ClientTalk talk)
    {
        ArgumentNullException.ThrowIfNull(utterances);
        int count = 0, reflected = 0, asked = 0, other = 0, unanswered = 0;
        for (var i = 0; i < utterances.Count; i++)
        {
            if (utterances[i].Utterance.Role != SpeakerRole.Client || utterances[i].Talk?.Talk != talk)
            {
                continue;
            }

            count++;
            switch (AnswerTo(utterances, i)?.Code?.Behaviour)
            {
                case null: unanswered++; break;
                case TherapistBehaviour.Reflection: reflected++; break;
                case TherapistBehaviour.Question: asked++; break;
                default: other++; break;
            }
        }

        return new TalkResponses(count, reflected, asked, other, unanswered);
    }

    /// <summary>
    /// A client discloses a feeling and the therapist's next utterance is a closed question or advice. Ranked by the
    /// number of feeling words disclosed, then by how sure the model was of the reply's code; the top five are kept.
    /// </summary>
    public static IReadOnlyList<MissedMoment> FindMissedMoments(IReadOnlyList<CodedUtterance> utterances)
    {
        ArgumentNullException.ThrowIfNull(utterances);
        var moments = new List<MissedMoment>();
        for (var i = 0; i < utterances.Count - 1; i++)
        {
            var client = utterances[i].Utterance;
            if (client.Role != SpeakerRole.Client || !EmotionLexicon.IsEmotionalDisclosure(client.Text))
            {
                continue;
            }

            var next = utterances[i + 1];
            if (next.Code is not { } code)
            {
                continue;
            }

            var response = code switch
            {
                { Behaviour: TherapistBehaviour.Question, Subtype: BehaviourSubtype.Closed } => "closed question",
                { Behaviour: TherapistBehaviour.Input, Subtype: BehaviourSubtype.Advice } => "advice",
                _ => null,
            };
            if (response is null || EmotionLexicon.IsReflectionOfFeeling(next.Utterance.Text) || EmotionLexicon.IsExplorationOfFeeling(next.Utterance.Text))
            {
                continue;
            }

            var emotions = EmotionLexicon.EmotionWordsIn(client.Text);
            moments.Add(new MissedMoment(client.Index, client.Text, next.Utterance.Index, next.Utterance.Text, response, emotions, Round(emotions.Count + code.Confidence, 3)));
        }

        // Change talk met with neither a reflection nor a question: the client argued for change and the therapist moved on.
        for (var i = 0; i < utterances.Count; i++)
        {
            if (utterances[i] is not { Utterance.Role: SpeakerRole.Client, Talk: { Talk: ClientTalk.Change } talk }
                || AnswerTo(utterances, i) is not { Code: { } code } answer
                || code.Behaviour is TherapistBehaviour.Reflection or TherapistBehaviour.Question
                || moments.Any(m => m.ClientIndex == i))
            {
                continue;
            }

            var response = code switch
            {
                { Behaviour: TherapistBehaviour.Input, Subtype: BehaviourSubtype.Advice } => "advice",
                { Behaviour: TherapistBehaviour.Input, Subtype: BehaviourSubtype.Information } => "information",
                { Behaviour: TherapistBehaviour.Input } => "input",
                _ => "other",
            };
            var client = utterances[i].Utterance;
            moments.Add(new MissedMoment(client.Index, client.Text, answer.Utterance.Index, answer.Utterance.Text, response, [], Round(talk.Confidence + code.Confidence, 3), MissedMoment.ChangeTalk));
        }

        return moments.OrderByDescending(m => m.Weight).ThenBy(m => m.ClientIndex).Take(MissedMomentLimit).ToList();
    }

    private static ListeningSummary WithTiming(ListeningSummary summary, List<Utterance> u, int[] words)
    {
        double Seconds(Utterance x) => Math.Max(0, (x.End!.Value - x.Start!.Value).TotalSeconds);
        var therapistSeconds = u.Where(x => x.Role == SpeakerRole.Therapist).Sum(Seconds);
        var allSeconds = u.Sum(Seconds);
        var therapistWords = u.Where(x => x.Role == SpeakerRole.Therapist).Sum(x => words[x.Index]);
        var span = (u.Max(x => x.End!.Value) - u.Min(x => x.Start!.Value)).TotalMinutes;

        int overlaps = 0, byTherapist = 0, byClient = 0;
        for (var i = 1; i < u.Count; i++)
        {
            // The latest earlier utterance by someone else: the one this utterance might talk over.
            var j = i - 1;
            while (j >= 0 && SameSpeaker(u[j], u[i]))
            {
                j--;
            }

            if (j < 0 || u[i].Start >= u[j].End)
            {
                continue;
            }

            overlaps++;
            if (u[j].End!.Value - u[i].Start!.Value >= InterruptionOverlap)
            {
                if (u[i].Role == SpeakerRole.Therapist)
                {
                    byTherapist++;
                }
                else
                {
                    byClient++;
                }
            }
        }

        return summary with
        {
            TherapistTalkShareByTime = allSeconds <= 0 ? null : Round(therapistSeconds / allSeconds, 3),
            TherapistWordsPerMinute = therapistSeconds <= 0 ? null : Round(therapistWords / (therapistSeconds / 60), 1),
            SessionWordsPerMinute = span <= 0 ? null : Round(words.Sum() / span, 1),
            Overlaps = overlaps,
            TherapistInterruptions = byTherapist,
            ClientInterruptions = byClient,
        };
    }

    private static List<(SpeakerRole Role, int Words)> Turns(List<Utterance> u, int[] words)
    {
        var turns = new List<(SpeakerRole Role, int Words)>();
        for (var i = 0; i < u.Count; i++)
        {
            if (turns.Count > 0 && i > 0 && SameSpeaker(u[i - 1], u[i]))
            {
                turns[^1] = (turns[^1].Role, turns[^1].Words + words[i]);
            }
            else
            {
                turns.Add((u[i].Role, words[i]));
            }
        }

        return turns;
    }

    private static bool SameSpeaker(Utterance a, Utterance b) => string.Equals(a.Speaker, b.Speaker, StringComparison.OrdinalIgnoreCase);

    private static double? MeanOf(IEnumerable<double> values)
    {
        var list = values.ToList();
        return list.Count == 0 ? null : Round(list.Average(), 1);
    }

    private static double Round(double value, int digits) => Math.Round(value, digits, MidpointRounding.AwayFromZero);
}
