using System.Text.Json;
using Rapport.Listening.Coding;
using Rapport.Listening.Transcripts;

namespace Rapport.Listening.Tests.Metrics;

/// <summary>How the therapist answered change and sustain talk (MI's core process measure), on codes written by hand.</summary>
public class ClientTalkTests
{
    // Client turns carry "change"/"neutral"/"sustain" as their code; therapist turns a fine label.
    private static CodedTranscript Coded(CodingMode mode, params (SpeakerRole Role, string Text, string Code)[] turns)
    {
        var utterances = turns.Select((t, i) => new Utterance(i, t.Role == SpeakerRole.Therapist ? "Therapist" : "Client", t.Role, t.Text, null, null, i + 1)).ToList();
        var coded = utterances.Select((u, i) =>
        {
            if (u.Role == SpeakerRole.Client)
            {
                return new CodedUtterance(u, null, ClientTalkCode.Parse(turns[i].Code) is { } talk ? new ClientTalkCode(talk, 0.8f) : null);
            }

            var (behaviour, subtype) = UtteranceCode.ParseFine(turns[i].Code);
            return new CodedUtterance(u, new UtteranceCode(behaviour, subtype, 0.9f));
        }).ToList();
        return new CodedTranscript(new Transcript(utterances), coded, mode, new CoderAgreement(0.8, 0.7, 0.6, 5));
    }

    private static CodedTranscript Session() => Coded(
        CodingMode.Quality,
        (SpeakerRole.Therapist, "What brings you here today?", "question:open"),
        (SpeakerRole.Client, "I want to stop drinking before work.", "change"),
        (SpeakerRole.Therapist, "Mornings matter to you.", "reflection:complex"),
        (SpeakerRole.Client, "I'd feel better if I cut down.", "change"),
        (SpeakerRole.Client, "My kids notice it.", "change"),
        (SpeakerRole.Therapist, "What would cutting down look like?", "question:open"),
        (SpeakerRole.Client, "But honestly it helps me relax.", "sustain"),
        (SpeakerRole.Therapist, "You should try a walk instead.", "input:advice"),
        (SpeakerRole.Client, "I could ask my sister to help.", "change"),
        (SpeakerRole.Therapist, "The clinic is open on Mondays.", "input:information"),
        (SpeakerRole.Client, "Okay.", "neutral"),
        (SpeakerRole.Client, "I'm going to try it anyway.", "change"));

    [Fact]
    public void ChangeTalk_CountsReflectedAskedAboutOtherAndUnanswered()
    {
        var summary = ListeningReport.Build(Session()).Summary;

        // Change talk at 1 (reflected), 3 and 4 (both answered by the open question at 5), 8 (information), 11 (end).
        Assert.Equal(new TalkResponses(Utterances: 5, Reflected: 1, AskedAbout: 2, Other: 1, Unanswered: 1), summary.ChangeTalk);
        Assert.Equal(0.75, summary.ChangeTalk!.PickedUpShare);
        Assert.Equal(new TalkResponses(1, 0, 0, 1, 0), summary.SustainTalk);
        Assert.Equal(1, summary.NeutralTalk);
        Assert.Equal("quality", summary.Mode);
        Assert.Equal(0.8, summary.CoderMacroF1);
    }

    [Fact]
    public void ChangeTalkMetWithInformation_IsAMissedMoment_ButReflectedOrAskedAboutIsNot()
    {
        var moments = ListeningReport.Build(Session()).MissedMoments;

        var moment = Assert.Single(moments, m => m.Kind == MissedMoment.ChangeTalk);
        Assert.Equal(8, moment.ClientIndex);
        Assert.Equal(9, moment.TherapistIndex);
        Assert.Equal("information", moment.Response);
        Assert.Empty(moment.EmotionWords);
    }

    [Fact]
    public void FastMode_WithoutClientTalk_ReportsNotCoded()
    {
        var fast = Coded(
            CodingMode.Fast,
            (SpeakerRole.Therapist, "What brings you here today?", "question:open"),
            (SpeakerRole.Client, "I want to stop drinking before work.", "not coded"),
            (SpeakerRole.Therapist, "The clinic is open on Mondays.", "input:information"));

        var report = ListeningReport.Build(fast);

        Assert.Null(report.Summary.ChangeTalk);
        Assert.Null(report.Summary.SustainTalk);
        Assert.Null(report.Summary.NeutralTalk);
        Assert.DoesNotContain(report.MissedMoments, m => m.Kind == MissedMoment.ChangeTalk);
        using var json = JsonDocument.Parse(ListeningJson.ToJson(fast, report));
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("summary").GetProperty("changeTalk").ValueKind);
        Assert.Equal("fast", json.RootElement.GetProperty("coding").GetProperty("mode").GetString());
    }

    [Fact]
    public void Json_CarriesModeAgreementAndClientTalkCodes()
    {
        var coded = Session();
        using var json = JsonDocument.Parse(ListeningJson.ToJson(coded, ListeningReport.Build(coded)));
        var root = json.RootElement;

        Assert.Equal("quality", root.GetProperty("coding").GetProperty("mode").GetString());
        Assert.Equal(0.8, root.GetProperty("coding").GetProperty("behaviourMacroF1").GetDouble());
        Assert.Equal("change", root.GetProperty("utterances")[1].GetProperty("clientTalk").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("utterances")[0].GetProperty("clientTalk").ValueKind);
        Assert.Equal(2, root.GetProperty("summary").GetProperty("changeTalk").GetProperty("askedAbout").GetInt32());
        Assert.Contains(root.GetProperty("missedMoments").EnumerateArray(), m => m.GetProperty("kind").GetString() == "change talk");
    }

    [Fact]
    public void FastCoder_ReportsItsRecordedCrossValidation_FromTheModelMetadata()
    {
        using var coder = UtteranceCoder.Load();

        Assert.Equal(CodingMode.Fast, coder.Mode);
        Assert.NotNull(coder.Agreement);
        Assert.InRange(coder.Agreement!.BehaviourMacroF1, 0.5, 1.0);
        Assert.Null(coder.Agreement.ClientTalkMacroF1);
        var coded = coder.Code(Transcript.FromTurns([("T", SpeakerRole.Therapist, "How are you?"), ("C", SpeakerRole.Client, "Fine.")]));
        Assert.Equal(CodingMode.Fast, coded.Mode);
        Assert.Same(coder.Agreement, coded.Agreement);
        Assert.Null(coded.Utterances[1].Talk);
    }
}
