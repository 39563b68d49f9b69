using Rapport.Listening.Transcripts;

namespace Rapport.Listening.Tests.Transcripts;

public class PlainTextParserTests
{
    [Fact]
    public void PlainText_WithTherapistAndClientInAnyCase_MapsRolesWithoutAName()
    {
        var result = TranscriptParser.Parse("THERAPIST: How are you?\nclient: Tired.\nTherapist: Tired.\n", TranscriptFormat.PlainText);

        Assert.True(result.Succeeded);
        var u = result.Transcript!.Utterances;
        Assert.Equal([SpeakerRole.Therapist, SpeakerRole.Client, SpeakerRole.Therapist], u.Select(x => x.Role));
        Assert.Equal("How are you?", u[0].Text);
        Assert.Equal([0, 1, 2], u.Select(x => x.Index));
        Assert.Equal([1, 2, 3], u.Select(x => x.Line));
    }

    [Fact]
    public void PlainText_WithNamedSpeakers_RequiresTheTherapistsName()
    {
        var result = TranscriptParser.Parse("Dana: Hello.\nSam: Hi.\n", TranscriptFormat.PlainText);

        Assert.False(result.Succeeded);
        Assert.Contains(result.Errors, e => e.Line == 1 && e.Message.Contains("Dana", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.Line == 2 && e.Message.Contains("Sam", StringComparison.Ordinal));
    }

    [Fact]
    public void PlainText_WithTherapistNamed_MakesEveryOtherSpeakerAClient()
    {
        var result = TranscriptParser.Parse("Dana: Hello both.\nSam: Hi.\nAlex: Hey.\n", TranscriptFormat.PlainText, new SpeakerMapping("dana"));

        Assert.True(result.Succeeded);
        Assert.Equal([SpeakerRole.Therapist, SpeakerRole.Client, SpeakerRole.Client], result.Transcript!.Utterances.Select(u => u.Role));
    }

    [Fact]
    public void PlainText_WithTherapistNameAbsent_IsRejected()
    {
        var result = TranscriptParser.Parse("Sam: Hi.\n", TranscriptFormat.PlainText, new SpeakerMapping("Dana"));

        Assert.False(result.Succeeded);
        Assert.Contains("Dana", result.Errors.Single().Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PlainText_LineWithoutSpeaker_IsReportedWithItsLineNumberAndNothingIsReturned()
    {
        var result = TranscriptParser.Parse("Therapist: Hi.\n\nthis line has no speaker\nClient: Hello.\n", TranscriptFormat.PlainText);

        Assert.False(result.Succeeded);
        Assert.Null(result.Transcript);
        var error = Assert.Single(result.Errors);
        Assert.Equal(3, error.Line);
        Assert.StartsWith("line 3:", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void PlainText_WithTimestampPrefixes_KeepsTheStartTime()
    {
        var result = TranscriptParser.Parse("[00:01:05] Therapist: Hi.\n[00:01:07] Client: Hello.\n", TranscriptFormat.PlainText);

        Assert.True(result.Succeeded);
        Assert.Equal(TimeSpan.FromSeconds(65), result.Transcript!.Utterances[0].Start);
    }

    [Fact]
    public void PlainText_WithTitledNamesAndColonsInsideTheText_SplitsAtTheFirstColon()
    {
        var result = TranscriptParser.Parse("Dr. Lee: Two things: sleep and work?\nMs Jones: Yes: both.\n", TranscriptFormat.PlainText, new SpeakerMapping("Dr. Lee"));

        Assert.True(result.Succeeded, string.Join("; ", result.Errors));
        Assert.Equal("Two things: sleep and work?", result.Transcript!.Utterances[0].Text);
        Assert.Equal(SpeakerRole.Therapist, result.Transcript.Utterances[0].Role);
        Assert.Equal("Ms Jones", result.Transcript.Utterances[1].Speaker);
    }

    [Fact]
    public void PlainText_ProseBeforeAColon_IsNotTakenForASpeaker()
    {
        var result = TranscriptParser.Parse("Therapist: Hi.\nand the thing is, honestly: I can't\n", TranscriptFormat.PlainText);

        Assert.Equal(2, Assert.Single(result.Errors).Line);
    }

    [Fact]
    public void EmptyInput_IsRejected()
    {
        var result = TranscriptParser.Parse("\n\n", TranscriptFormat.PlainText);

        Assert.False(result.Succeeded);
        Assert.Contains("no utterances", result.Errors.Single().Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SpeakerMapping_RecognisesNumberedClientsAndCounsellors()
    {
        var mapping = SpeakerMapping.ByRoleNames;

        Assert.Equal(SpeakerRole.Client, mapping.RoleOf("Client 2"));
        Assert.Equal(SpeakerRole.Therapist, mapping.RoleOf("Counsellor"));
        Assert.Null(mapping.RoleOf("Therapy dog"));
    }
}
