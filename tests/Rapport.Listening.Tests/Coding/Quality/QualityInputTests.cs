using Rapport.Listening.Coding.Quality;
using Rapport.Listening.Transcripts;

namespace Rapport.Listening.Tests.Coding.Quality;

public class QualityInputTests
{
    private static readonly QualityInput Input = QualityInput.Load();
    private const long Cls = 101;
    private const long Sep = 102;

    [Theory]
    [InlineData("I-I-I don't know.", "I don't know.")]
    [InlineData("And th-the thing is", "And the thing is")]
    [InlineData("So you're-- you're saying it's hard", "So you're you're saying it's hard")]
    [InlineData("You drink at least four times a week on average-", "You drink at least four times a week on average")]
    [InlineData("-and you usually have two", "and you usually have two")]
    [InlineData("Well \u2014 maybe", "Well maybe")]
    [InlineData("[laughs] That's true (inaudible) really", "That's true really")]
    [InlineData("Dana Smith: How are you?", "How are you?")]
    [InlineData("THERAPIST: Okay.", "Okay.")]
    [InlineData("00:01:13.500 Right, okay", "Right, okay")]
    [InlineData("  lots   of \t space\n", "lots of space")]
    [InlineData("Mm-hmm. My well-being matters.", "Mm-hmm. My well-being matters.")]
    [InlineData("We meet at 10:30 on Monday", "We meet at 10:30 on Monday")]
    public void Normalise_RemovesTranscriptNoiseButKeepsWords(string raw, string expected) =>
        Assert.Equal(expected, QualityInput.Normalise(raw));

    [Fact]
    public void Encode_StutterAndNoise_GiveTheSameTokensAsCleanText()
    {
        var clean = Input.Encode("I don't know.", "", "");
        var noisy = Input.Encode("[sighs] I-I-I don't -- know.", "", "");
        Assert.Equal(clean.InputIds, noisy.InputIds);
    }

    [Fact]
    public void Encode_LaysOutUtteranceThenPreviousThenNext_WithTokenTypes()
    {
        var e = Input.Encode("how are you", "fine", "good");
        // [CLS] how are you [SEP] fine [SEP] good [SEP]
        Assert.Equal(9, e.InputIds.Length);
        Assert.Equal(Cls, e.InputIds[0]);
        Assert.Equal([4, 6, 8], Enumerable.Range(0, 9).Where(i => e.InputIds[i] == Sep));
        Assert.Equal([0L, 0, 0, 0, 0, 1, 1, 1, 1], e.TokenTypeIds);
        Assert.Equal(Input.Encode("fine", "", "").InputIds[1], e.InputIds[5]);
    }

    [Fact]
    public void Encode_WithoutContext_KeepsEmptySegments()
    {
        var e = Input.Encode("hello", "", "");
        Assert.Equal([Cls, e.InputIds[1], Sep, Sep, Sep], e.InputIds);
        Assert.Equal([0L, 0, 0, 1, 1], e.TokenTypeIds);
    }

    [Fact]
    public void Encode_LongUtterance_KeepsHeadAndTail()
    {
        var words = string.Join(' ', Enumerable.Range(0, 120).Select(i => i % 2 == 0 ? "alpha" : "beta"));
        var e = Input.Encode("start " + words + " finish", "", "");
        var limits = Input.Info.Input;
        var first = e.InputIds.Skip(1).TakeWhile(id => id != Sep).ToArray();
        Assert.Equal(limits.KeepHead + limits.KeepTail, first.Length);
        var start = Input.Encode("start", "", "").InputIds[1];
        var finish = Input.Encode("finish", "", "").InputIds[1];
        Assert.Equal(start, first[0]);
        Assert.Equal(finish, first[^1]);
    }

    [Fact]
    public void Encode_LongContext_KeepsTheEndOfThePreviousTurnAndTheStartOfTheNext()
    {
        var limits = Input.Info.Input;
        var many = string.Join(' ', Enumerable.Repeat("alpha", 100));
        var e = Input.Encode("ok", "first " + many + " last", "first " + many + " last");
        var seps = Enumerable.Range(0, e.InputIds.Length).Where(i => e.InputIds[i] == Sep).ToArray();
        var previous = e.InputIds[(seps[0] + 1)..seps[1]];
        var next = e.InputIds[(seps[1] + 1)..seps[2]];
        Assert.Equal(limits.MaxPrevious, previous.Length);
        Assert.Equal(limits.MaxNext, next.Length);
        Assert.Equal(Input.Encode("last", "", "").InputIds[1], previous[^1]);
        Assert.Equal(Input.Encode("first", "", "").InputIds[1], next[0]);
    }

    [Fact]
    public void Turns_AreTheOtherRolesConsecutiveUtterancesAroundTheUtterance()
    {
        var t = Transcript.FromTurns([
            ("T", SpeakerRole.Therapist, "t0"),
            ("C", SpeakerRole.Client, "c1"),
            ("C", SpeakerRole.Client, "c2"),
            ("T", SpeakerRole.Therapist, "t3"),
            ("T", SpeakerRole.Therapist, "t4"),
            ("C", SpeakerRole.Client, "c5"),
        ]).Utterances;
        Assert.Equal(("c1 c2", "c5"), QualityInput.Turns(t, 3));
        Assert.Equal(("c1 c2", "c5"), QualityInput.Turns(t, 4));
        Assert.Equal(("", "c1 c2"), QualityInput.Turns(t, 0));
        Assert.Equal(("t0", "t3 t4"), QualityInput.Turns(t, 2));
        Assert.Equal(("t3 t4", ""), QualityInput.Turns(t, 5));
    }

    [Fact]
    public void Info_NamesTheHeadsInTheModelsOutputOrder()
    {
        Assert.Equal(["question", "reflection", "input", "other"], Input.Info.Heads.Behaviour);
        Assert.Equal(["change", "neutral", "sustain"], Input.Info.Heads.ClientTalk);
        Assert.Equal(4, Input.Info.BiasFor("behaviour", 4).Length);
        Assert.Equal(new float[3], Input.Info.BiasFor("client_talk", 3));
    }
}
