using Rapport.Listening.Transcripts;

namespace Rapport.Listening.Tests.Transcripts;

public class CueFormatTests
{
    private const string TeamsVtt = """
        WEBVTT

        NOTE exported by a meeting tool

        1a2b/10-0
        00:00:01.000 --> 00:00:04.500
        <v Dana Smith>What brings you here today?</v>

        1a2b/11-0
        00:00:05.000 --> 00:00:09.000 align:start
        <v Sam Jones>I&apos;ve been feeling really low &amp; tired.</v>

        00:00:09.000 --> 00:00:10.000
        and not sleeping.
        """;

    [Fact]
    public void WebVtt_WithTeamsVoiceTags_ReadsSpeakersTimesAndText()
    {
        var result = TranscriptParser.Parse(TeamsVtt, TranscriptFormat.Auto, new SpeakerMapping("Dana Smith"));

        Assert.True(result.Succeeded, string.Join("; ", result.Errors));
        var u = result.Transcript!.Utterances;
        Assert.Equal(3, u.Count);
        Assert.Equal("Dana Smith", u[0].Speaker);
        Assert.Equal(SpeakerRole.Therapist, u[0].Role);
        Assert.Equal("I've been feeling really low & tired.", u[1].Text);
        Assert.Equal(TimeSpan.FromSeconds(5), u[1].Start);
        Assert.Equal(TimeSpan.FromSeconds(9), u[1].End);
        Assert.Equal("Sam Jones", u[2].Speaker);
        Assert.True(result.Transcript.HasTimestamps);
    }

    [Fact]
    public void WebVtt_WithZoomNamePrefixes_ReadsSpeakers()
    {
        var vtt = "WEBVTT\n\n1\n00:00:01.000 --> 00:00:03.000\nTherapist: How was the week?\n\n2\n00:00:03.500 --> 00:00:06.000\nClient: Hard. I felt alone.\n";

        var result = TranscriptParser.Parse(vtt, TranscriptFormat.WebVtt);

        Assert.True(result.Succeeded, string.Join("; ", result.Errors));
        Assert.Equal(["How was the week?", "Hard. I felt alone."], result.Transcript!.Utterances.Select(u => u.Text));
        Assert.Equal([SpeakerRole.Therapist, SpeakerRole.Client], result.Transcript.Utterances.Select(u => u.Role));
    }

    [Fact]
    public void WebVtt_WithoutHeader_IsRejectedAtLineOne()
    {
        var result = TranscriptParser.Parse("00:00:01.000 --> 00:00:02.000\n<v Therapist>Hi</v>\n", TranscriptFormat.WebVtt);

        Assert.Equal(1, Assert.Single(result.Errors).Line);
    }

    [Fact]
    public void WebVtt_WithBrokenTimingAndReversedCue_ReportsEachLine()
    {
        var vtt = "WEBVTT\n\n00:00:01.000 --> 00:00:xx.000\n<v Therapist>Hi</v>\n\n00:00:05.000 --> 00:00:04.000\n<v Client>Hello</v>\n";

        var result = TranscriptParser.Parse(vtt, TranscriptFormat.WebVtt);

        Assert.False(result.Succeeded);
        Assert.Equal([3, 6], result.Errors.Select(e => e.Line));
    }

    [Fact]
    public void WebVtt_FirstCueWithoutSpeaker_IsRejectedWithItsLine()
    {
        var vtt = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHello there\n";

        var result = TranscriptParser.Parse(vtt, TranscriptFormat.WebVtt);

        Assert.Equal(4, Assert.Single(result.Errors).Line);
    }

    [Fact]
    public void WebVtt_CueWithTwoVoices_BecomesTwoUtterances()
    {
        var vtt = "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v Therapist>Is that right?\n<v Client>Yes.\n";

        var result = TranscriptParser.Parse(vtt, TranscriptFormat.WebVtt);

        Assert.Equal(["Is that right?", "Yes."], result.Transcript!.Utterances.Select(u => u.Text));
    }

    [Fact]
    public void Srt_WithNamePrefixes_ReadsCues()
    {
        var srt = "1\n00:00:01,000 --> 00:00:02,500\nTherapist: What would you like to change?\n\n2\n00:00:03,000 --> 00:00:06,000\nClient: My drinking,\nI think.\n";

        var result = TranscriptParser.Parse(srt, TranscriptFormat.Auto);

        Assert.True(result.Succeeded, string.Join("; ", result.Errors));
        Assert.Equal("My drinking, I think.", result.Transcript!.Utterances[1].Text);
        Assert.Equal(TimeSpan.FromMilliseconds(2500), result.Transcript.Utterances[0].End);
    }

    [Fact]
    public void Srt_WithMissingNumberAndBadTiming_ReportsLineNumbers()
    {
        var srt = "1\n00:00:01,000 --> 00:00:02,500\nTherapist: Hi.\n\nnot a number\n00:00:03,000 --> 00:00:04,000\nClient: Hi.\n\n3\n00:00:05.000 --> 00:00:06.000\nClient: Dots, not commas.\n";

        var result = TranscriptParser.Parse(srt, TranscriptFormat.Srt);

        Assert.Equal([5, 10], result.Errors.Select(e => e.Line));
    }
}
