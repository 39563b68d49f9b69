using System.Text;
using Rapport.Listening.Transcripts;

namespace Rapport.Listening.Tests.Transcripts;

public class CsvAndEncodingTests
{
    [Fact]
    public void Csv_WithHeaderQuotesAndTimes_ReadsRows()
    {
        var csv = "speaker,text,start,end\nTherapist,\"So, what brings you in?\",0,3.5\nClient,Work stress,00:00:04,00:00:06\n";

        var result = TranscriptParser.Parse(csv, TranscriptFormat.Auto);

        Assert.True(result.Succeeded, string.Join("; ", result.Errors));
        var u = result.Transcript!.Utterances;
        Assert.Equal("So, what brings you in?", u[0].Text);
        Assert.Equal(TimeSpan.FromSeconds(3.5), u[0].End);
        Assert.Equal(TimeSpan.FromSeconds(4), u[1].Start);
        Assert.Equal(3, u[1].Line);
    }

    [Fact]
    public void Csv_WithBadRows_ReportsEachLine()
    {
        var csv = "Therapist,Hello\nClient\nClient,Hi,later\n";

        var result = TranscriptParser.Parse(csv, TranscriptFormat.Csv);

        Assert.Equal([2, 3], result.Errors.Select(e => e.Line));
    }

    [Fact]
    public void Stream_WithInvalidUtf8_IsRejectedWithTheLineOfTheBadByte()
    {
        var bytes = Encoding.UTF8.GetBytes("Therapist: Hi.\nClient: caf").Concat(new byte[] { 0xE9, (byte)'\n' }).ToArray();

        var result = TranscriptParser.Parse(new MemoryStream(bytes), TranscriptFormat.PlainText);

        var error = Assert.Single(result.Errors);
        Assert.Equal(2, error.Line);
        Assert.Contains("UTF-8", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Stream_WithUtf16ByteOrderMark_IsDecoded()
    {
        var bytes = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("Therapist: Ça va?\nClient: Oui.\n")).ToArray();

        var result = TranscriptParser.Parse(new MemoryStream(bytes), TranscriptFormat.PlainText);

        Assert.Equal("Ça va?", result.Transcript!.Utterances[0].Text);
    }

    [Fact]
    public void Stream_LargerThanTheLimit_IsRejectedBeforeParsing()
    {
        var text = string.Concat(Enumerable.Repeat("Therapist: Hello there.\n", 100));

        var result = TranscriptParser.Parse(new MemoryStream(Encoding.UTF8.GetBytes(text)), TranscriptFormat.PlainText, limits: new TranscriptLimits(1000, 100, 100));

        Assert.Contains("larger than the limit", Assert.Single(result.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Transcript_WithTooManyUtterances_IsRejected()
    {
        var text = string.Concat(Enumerable.Repeat("Therapist: Hello.\n", 11));

        var result = TranscriptParser.Parse(text, TranscriptFormat.PlainText, limits: new TranscriptLimits(100_000, 10, 100));

        Assert.Equal(11, Assert.Single(result.Errors).Line);
    }

    [Fact]
    public void Stream_WithNulBytes_IsRejectedAsBinary()
    {
        var result = TranscriptParser.Parse(new MemoryStream([(byte)'T', 0, (byte)'x']), TranscriptFormat.PlainText);

        Assert.Contains("binary", Assert.Single(result.Errors).Message, StringComparison.Ordinal);
    }
}
