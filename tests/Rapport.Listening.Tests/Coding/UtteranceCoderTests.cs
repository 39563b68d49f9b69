using Rapport.Listening.Coding;
using Rapport.Listening.Transcripts;

namespace Rapport.Listening.Tests.Coding;

/// <summary>Uses the committed model on synthetic utterances written for these tests.</summary>
public sealed class UtteranceCoderTests : IClassFixture<CoderFixture>
{
    private readonly UtteranceCoder _coder;

    public UtteranceCoderTests(CoderFixture fixture) => _coder = fixture.Coder;

    [Theory]
    [InlineData("What would you like to talk about today?", TherapistBehaviour.Question, BehaviourSubtype.Open)]
    [InlineData("How do you think your life would be different if you stopped?", TherapistBehaviour.Question, BehaviourSubtype.Open)]
    [InlineData("Do you smoke every day?", TherapistBehaviour.Question, BehaviourSubtype.Closed)]
    [InlineData("It sounds like you're feeling stuck between wanting to quit and being scared of what happens without it.", TherapistBehaviour.Reflection, null)]
    public void Code_ClearCases_GetTheExpectedBehaviour(string text, TherapistBehaviour behaviour, BehaviourSubtype? subtype)
    {
        var transcript = Transcript.FromTurns(
        [
            ("Client", SpeakerRole.Client, "I don't know, things have been a lot lately with work and my family."),
            ("Therapist", SpeakerRole.Therapist, text),
            ("Client", SpeakerRole.Client, "Well, I suppose so."),
        ]);

        var code = _coder.Code(transcript).Utterances[1].Code!;

        Assert.Equal(behaviour, code.Behaviour);
        if (subtype is not null)
        {
            Assert.Equal(subtype, code.Subtype);
        }
    }

    [Fact]
    public void Code_ClientUtterances_GetNoCodeAndOrderIsKept()
    {
        var transcript = Transcript.FromTurns(
        [
            ("T", SpeakerRole.Therapist, "Hi, come in."),
            ("C", SpeakerRole.Client, "Thanks."),
            ("T", SpeakerRole.Therapist, "What brings you here?"),
        ]);

        var coded = _coder.Code(transcript);

        Assert.Equal([0, 1, 2], coded.Utterances.Select(u => u.Utterance.Index));
        Assert.Null(coded.Utterances[1].Code);
        Assert.NotNull(coded.Utterances[0].Code);
        Assert.InRange(coded.Utterances[2].Code!.Confidence, 0f, 1f);
    }

    [Fact]
    public void Code_Subtype_AlwaysBelongsToTheBehaviour()
    {
        var texts = new[] { "Okay.", "You should try a patch.", "Many people find the first week hardest.", "So you're tired of it.", "Is that right?" };
        var transcript = Transcript.FromTurns(texts.Select(t => ("T", SpeakerRole.Therapist, t)));

        foreach (var code in _coder.Code(transcript).Utterances.Select(u => u.Code!))
        {
            var expected = code.Behaviour switch
            {
                TherapistBehaviour.Question => [BehaviourSubtype.Open, BehaviourSubtype.Closed],
                TherapistBehaviour.Reflection => [BehaviourSubtype.Simple, BehaviourSubtype.Complex],
                TherapistBehaviour.Input => [BehaviourSubtype.Information, BehaviourSubtype.Advice],
                _ => Array.Empty<BehaviourSubtype>(),
            };
            if (expected.Length == 0)
            {
                Assert.Null(code.Subtype);
            }
            else
            {
                Assert.Contains(code.Subtype!.Value, expected);
            }
        }
    }

    [Fact]
    public void Coder_SavedAndLoadedAgain_CodesTheSame()
    {
        var transcript = Transcript.FromTurns([("T", SpeakerRole.Therapist, "What matters most to you about this?")]);
        using var buffer = new MemoryStream();
        _coder.Save(buffer);
        buffer.Position = 0;

        using var again = UtteranceCoder.Load(buffer);

        Assert.Equal(_coder.Code(transcript).Utterances[0].Code, again.Code(transcript).Utterances[0].Code);
    }
}

public sealed class UtteranceCoderBatchTests : IClassFixture<CoderFixture>
{
    private readonly UtteranceCoder _coder;

    public UtteranceCoderBatchTests(CoderFixture fixture) => _coder = fixture.Coder;

    [Fact]
    public void Stage1Batch_GivesTheSameProbabilitiesAsOneAtATime()
    {
        var transcript = Transcript.FromTurns(
        [
            ("T", SpeakerRole.Therapist, "What brings you here today?"),
            ("C", SpeakerRole.Client, "My partner made me come."),
            ("T", SpeakerRole.Therapist, "Coming here wasn't your idea."),
        ]);
        var inputs = CodingCues.Inputs(transcript);

        var batch = _coder.Stage1Batch(inputs);

        for (var i = 0; i < inputs.Count; i++)
        {
            var single = _coder.Stage1(inputs[i]);
            for (var k = 0; k < single.Length; k++)
            {
                Assert.Equal(single[k], batch[i][k], 4);
            }
        }
    }

    [Fact]
    public void Load_AFileThatIsNotACoderModel_IsRejected()
    {
        using var buffer = new MemoryStream();
        using (var archive = new System.IO.Compression.ZipArchive(buffer, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            archive.CreateEntry("something-else.txt");
        }

        buffer.Position = 0;

        Assert.Throws<InvalidDataException>(() => UtteranceCoder.Load(buffer));
    }
}

public sealed class CoderFixture : IDisposable
{
    public UtteranceCoder Coder { get; } = UtteranceCoder.Load();

    public void Dispose() => Coder.Dispose();
}
