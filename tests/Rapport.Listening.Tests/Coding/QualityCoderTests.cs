using Rapport.Listening.Coding;
using Rapport.Listening.Coding.Quality;
using Rapport.Listening.Transcripts;

namespace Rapport.Listening.Tests.Coding;

/// <summary>The shipped quality model end to end from C#: ONNX Runtime, the tokeniser and the heads, on synthetic sessions.</summary>
public sealed class QualityCoderTests
{
    private static readonly Lazy<QualityCoder> Coder = new(QualityCoder.Load);

    private static Transcript Session() => Transcript.FromTurns(
    [
        ("T", SpeakerRole.Therapist, "Hi, thanks for coming in today. What would you like to talk about?"),
        ("C", SpeakerRole.Client, "I really want to cut down on my drinking before it costs me my job."),
        ("T", SpeakerRole.Therapist, "Your job matters a lot to you, and you can see the drinking putting it at risk."),
        ("C", SpeakerRole.Client, "Yeah, exactly."),
        ("C", SpeakerRole.Client, "But honestly a few beers is the only thing that helps me relax after work."),
        ("T", SpeakerRole.Therapist, "Do you drink every evening?"),
        ("C", SpeakerRole.Client, "Most evenings, yes."),
        ("T", SpeakerRole.Therapist, "Many people find that having a plan for the first hour after work makes it easier."),
    ]);

    [Fact]
    public void Code_GivesEveryTherapistUtteranceABehaviour_AndEveryClientUtteranceClientTalk_InInputOrder()
    {
        var transcript = Session();

        var coded = Coder.Value.Code(transcript);

        Assert.Equal(CodingMode.Quality, coded.Mode);
        Assert.Equal(transcript.Utterances.Count, coded.Utterances.Count);
        for (var i = 0; i < coded.Utterances.Count; i++)
        {
            var u = coded.Utterances[i];
            Assert.Same(transcript.Utterances[i], u.Utterance);
            if (u.Utterance.Role == SpeakerRole.Therapist)
            {
                Assert.NotNull(u.Code);
                Assert.Null(u.Talk);
                Assert.InRange(u.Code!.Confidence, 0.25f, 1f);
                Assert.True(u.Code.Behaviour is TherapistBehaviour.Question or TherapistBehaviour.Reflection ? u.Code.Subtype is not null : true);
            }
            else
            {
                Assert.Null(u.Code);
                Assert.NotNull(u.Talk);
                Assert.InRange(u.Talk!.Confidence, 0.33f, 1f);
            }
        }

        Assert.True(coded.HasClientTalk);
    }

    [Fact]
    public void Code_ReadsPlainQuestionsAsQuestions()
    {
        var coded = Coder.Value.Code(Session());

        Assert.Equal(TherapistBehaviour.Question, coded.Utterances[5].Code!.Behaviour);
    }

    [Fact]
    public void Code_IsTheSameWhateverTheBatchNeighbours()
    {
        // Sorting by length and padding inside a batch must not change an utterance's code. Its confidence may move
        // in the third decimal: int8 dynamic quantisation scales activations over the whole batch tensor.
        var alone = Coder.Value.Code(Transcript.FromTurns([("T", SpeakerRole.Therapist, "Do you drink every evening?"), ("C", SpeakerRole.Client, "Most evenings, yes.")]));
        var turns = Session().Utterances.Select(u => (u.Speaker, u.Role, u.Text)).ToList();
        var many = Enumerable.Range(0, 12).SelectMany(_ => turns).ToList();
        many.AddRange([("T", SpeakerRole.Therapist, "Do you drink every evening?"), ("C", SpeakerRole.Client, "Most evenings, yes.")]);
        many.Insert(0, ("C", SpeakerRole.Client, "Okay."));

        var crowded = Coder.Value.Code(Transcript.FromTurns(many));

        var a = alone.Utterances[0].Code!;
        var b = crowded.Utterances[^2].Code!;
        Assert.Equal(a.Behaviour, b.Behaviour);
        Assert.True(Math.Abs(a.Confidence - b.Confidence) < 0.01, $"confidence alone {a.Confidence}, in a batch {b.Confidence}");
    }

    [Fact]
    public void Load_ReadsTheRecordedCrossValidation_AndTheReportCarriesIt()
    {
        var agreement = Coder.Value.Agreement;

        Assert.NotNull(agreement);
        Assert.InRange(agreement!.BehaviourMacroF1, 0.5, 1.0);
        var report = ListeningReport.Build(Coder.Value.Code(Session()));
        Assert.Equal("quality", report.Summary.Mode);
        Assert.Equal(agreement.BehaviourMacroF1, report.Summary.CoderMacroF1);
        Assert.NotNull(report.Summary.ChangeTalk);
    }
}
