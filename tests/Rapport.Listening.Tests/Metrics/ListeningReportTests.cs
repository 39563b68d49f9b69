using Rapport.Listening.Coding;
using Rapport.Listening.Transcripts;

namespace Rapport.Listening.Tests.Metrics;

public class ListeningReportTests
{
    private static CodedTranscript Coded(params (SpeakerRole Role, string Text, string? Fine, double? Start, double? End)[] turns)
    {
        var utterances = turns.Select((t, i) => new Utterance(
            i,
            t.Role == SpeakerRole.Therapist ? "Therapist" : "Client",
            t.Role,
            t.Text,
            t.Start is { } s ? TimeSpan.FromSeconds(s) : null,
            t.End is { } e ? TimeSpan.FromSeconds(e) : null,
            i + 1)).ToList();
        var coded = utterances.Select((u, i) =>
        {
            if (turns[i].Fine is not { } fine)
            {
                return new CodedUtterance(u, null);
            }

            var (behaviour, subtype) = UtteranceCode.ParseFine(fine);
            return new CodedUtterance(u, new UtteranceCode(behaviour, subtype, 0.9f));
        }).ToList();
        return new CodedTranscript(new Transcript(utterances), coded);
    }

    [Fact]
    public void Build_CountsRatiosAgainstMitiDefinitions()
    {
        var coded = Coded(
            (SpeakerRole.Therapist, "What brings you in?", "question:open", null, null),
            (SpeakerRole.Client, "My sleep is bad and work is busy", null, null, null),
            (SpeakerRole.Therapist, "Sleep is bad.", "reflection:simple", null, null),
            (SpeakerRole.Therapist, "And work keeps you up.", "reflection:complex", null, null),
            (SpeakerRole.Client, "Yes", null, null, null),
            (SpeakerRole.Therapist, "Is it every night?", "question:closed", null, null),
            (SpeakerRole.Client, "Most nights", null, null, null),
            (SpeakerRole.Therapist, "You want rest.", "reflection:complex", null, null));

        var summary = ListeningReport.Build(coded).Summary;

        Assert.Equal(1.5, summary.ReflectionToQuestion);
        Assert.Equal(66.7, summary.PercentComplexReflections);
        Assert.Equal(50.0, summary.PercentOpenQuestions);
        Assert.Equal("fair", summary.ReflectionToQuestionBand);
        Assert.Equal("good", summary.PercentComplexReflectionsBand);
        // Therapist 4 + 3 + 5 + 4 + 3 = 19 words; client 8 + 1 + 2 = 11.
        Assert.Equal(Math.Round(19.0 / 30, 3), summary.TherapistTalkShare);
        // Therapist turns: [4], [3+5], [4], [3]; client turns: [8], [1], [2].
        Assert.Equal(4.8, summary.MeanTherapistTurnWords);
        Assert.Equal(3.7, summary.MeanClientTurnWords);
        Assert.Null(summary.TherapistTalkShareByTime);
        Assert.Null(summary.Overlaps);
    }

    [Fact]
    public void Build_WithoutQuestionsOrReflections_LeavesRatiosUndefined()
    {
        var summary = ListeningReport.Build(Coded((SpeakerRole.Therapist, "Hello.", "other", null, null))).Summary;

        Assert.Null(summary.ReflectionToQuestion);
        Assert.Null(summary.PercentComplexReflections);
        Assert.Null(summary.PercentOpenQuestions);
        Assert.Null(summary.ReflectionToQuestionBand);
    }

    [Fact]
    public void Build_WithTimestamps_MeasuresTimeSharePaceOverlapsAndInterruptions()
    {
        var coded = Coded(
            (SpeakerRole.Therapist, "one two three four five six", "question:open", 0, 6),
            (SpeakerRole.Client, "a b c d e f g h i j k l", null, 5.5, 18),
            (SpeakerRole.Therapist, "seven eight", "reflection:simple", 15, 18),
            (SpeakerRole.Client, "m n o", null, 19, 24));

        var summary = ListeningReport.Build(coded).Summary;

        Assert.Equal(2, summary.Overlaps);
        Assert.Equal(1, summary.TherapistInterruptions);
        Assert.Equal(0, summary.ClientInterruptions);
        Assert.Equal(Math.Round(9.0 / 26.5, 3), summary.TherapistTalkShareByTime);
        Assert.Equal(Math.Round(8 / (9.0 / 60), 1), summary.TherapistWordsPerMinute);
        Assert.Equal(Math.Round(23 / (24.0 / 60), 1), summary.SessionWordsPerMinute);
    }

    [Fact]
    public void MissedMoments_AreDisclosuresAnsweredByClosedQuestionsOrAdvice_TopFive()
    {
        var turns = new List<(SpeakerRole, string, string?, double?, double?)>();
        for (var i = 0; i < 7; i++)
        {
            turns.Add((SpeakerRole.Client, i == 3 ? "I feel so alone and scared and ashamed." : "I'm really worried.", null, null, null));
            turns.Add((SpeakerRole.Therapist, i % 2 == 0 ? "Have you tried exercise?" : "You should call your sister.", i % 2 == 0 ? "question:closed" : "input:advice", null, null));
        }

        turns.Add((SpeakerRole.Client, "I feel hopeless.", null, null, null));
        turns.Add((SpeakerRole.Therapist, "You feel hopeless.", "reflection:simple", null, null));

        var moments = ListeningReport.Build(Coded([.. turns])).MissedMoments;

        Assert.Equal(5, moments.Count);
        Assert.Equal(6, moments[0].ClientIndex);
        Assert.Equal(["alone", "scared", "ashamed"], moments[0].EmotionWords);
        Assert.Equal("closed question", moments.First(m => m.ClientIndex == 0).Response);
        Assert.DoesNotContain(moments, m => m.ClientIndex == 14);
    }

    [Fact]
    public void MissedMoments_IgnoreClosedQuestionsThatExploreTheFeeling()
    {
        var coded = Coded(
            (SpeakerRole.Client, "I'm so angry at him.", null, null, null),
            (SpeakerRole.Therapist, "Do you feel angry most days?", "question:closed", null, null));

        Assert.Empty(ListeningReport.Build(coded).MissedMoments);
    }

    [Theory]
    [InlineData("I feel really anxious about it.", true)]
    [InlineData("My boss was angry.", false)]
    [InlineData("The bus was late.", false)]
    [InlineData("Anxious people exist.", false)]
    public void EmotionLexicon_FindsFirstPersonDisclosures(string text, bool expected)
    {
        Assert.Equal(expected, EmotionLexicon.IsEmotionalDisclosure(text));
    }

    [Theory]
    [InlineData("It sounds like you're exhausted.", true, false)]
    [InlineData("How did that feel?", false, true)]
    [InlineData("When is your next appointment?", false, false)]
    public void EmotionLexicon_FindsReflectionsAndExplorationsOfFeeling(string text, bool reflection, bool exploration)
    {
        Assert.Equal(reflection, EmotionLexicon.IsReflectionOfFeeling(text));
        Assert.Equal(exploration, EmotionLexicon.IsExplorationOfFeeling(text));
    }

    [Fact]
    public void Json_WritesClientCodesAsExplicitNullsAndKeepsContractFields()
    {
        var coded = Coded(
            (SpeakerRole.Therapist, "What's on your mind?", "question:open", null, null),
            (SpeakerRole.Client, "Money.", null, null, null));

        var json = ListeningJson.ToJson(coded, ListeningReport.Build(coded));

        using var doc = System.Text.Json.JsonDocument.Parse(json);
        var client = doc.RootElement.GetProperty("utterances")[1];
        Assert.Equal("client", client.GetProperty("speaker").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, client.GetProperty("behaviour").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, client.GetProperty("subtype").ValueKind);
        Assert.Equal("open", doc.RootElement.GetProperty("utterances")[0].GetProperty("subtype").GetString());
        var summary = doc.RootElement.GetProperty("summary");
        Assert.Equal(0.0, summary.GetProperty("reflectionToQuestion").GetDouble());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, summary.GetProperty("percentComplexReflections").ValueKind);
        Assert.Equal(100.0, summary.GetProperty("percentOpenQuestions").GetDouble());
        Assert.Equal(0, doc.RootElement.GetProperty("missedMoments").GetArrayLength());
    }
}
