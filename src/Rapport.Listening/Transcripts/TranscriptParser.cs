using System.Globalization;
using System.Text;

namespace Rapport.Listening.Transcripts;

/// <summary>
/// Parses WebVTT, SRT, plain text (<c>Name: utterance</c> per line) and CSV (<c>speaker,text[,start,end]</c>) into a
/// <see cref="Transcript"/>. All-or-nothing: any error yields a failure listing every problem found with its line
/// number, so a caller never stores half a session.
/// </summary>
public static class TranscriptParser
{
    /// <summary>Parses a stream, reading at most <see cref="TranscriptLimits.MaxBytes"/> bytes.</summary>
    public static TranscriptParseResult Parse(
        Stream stream,
        TranscriptFormat format = TranscriptFormat.Auto,
        SpeakerMapping? speakers = null,
        TranscriptLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        limits ??= TranscriptLimits.Default;
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + read > limits.MaxBytes)
            {
                return TranscriptParseResult.Failure(0, $"file is larger than the limit of {limits.MaxBytes:N0} bytes");
            }

            buffer.Write(chunk, 0, read);
        }

        var decoded = TextDecoding.Decode(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        return decoded.Error is { } error
            ? TranscriptParseResult.Failure([error])
            : Parse(decoded.Text!, format, speakers, limits);
    }

    /// <summary>Parses text already decoded.</summary>
    public static TranscriptParseResult Parse(
        TextReader reader,
        TranscriptFormat format = TranscriptFormat.Auto,
        SpeakerMapping? speakers = null,
        TranscriptLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return Parse(reader.ReadToEnd(), format, speakers, limits);
    }

    /// <summary>Parses a string.</summary>
    public static TranscriptParseResult Parse(
        string text,
        TranscriptFormat format = TranscriptFormat.Auto,
        SpeakerMapping? speakers = null,
        TranscriptLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        speakers ??= SpeakerMapping.ByRoleNames;
        limits ??= TranscriptLimits.Default;
        if (text.Length > limits.MaxBytes)
        {
            return TranscriptParseResult.Failure(0, $"file is larger than the limit of {limits.MaxBytes:N0} bytes");
        }

        if (text.Length > 0 && text[0] == '\uFEFF')
        {
            text = text[1..];
        }

        var lines = SplitLines(text);
        if (format == TranscriptFormat.Auto)
        {
            format = DetectFormat(lines);
        }

        var errors = new List<TranscriptError>();
        var raw = format switch
        {
            TranscriptFormat.WebVtt => CueFormats.ParseWebVtt(lines, errors),
            TranscriptFormat.Srt => CueFormats.ParseSrt(lines, errors),
            TranscriptFormat.Csv => CsvTranscript.Parse(text, errors),
            _ => ParsePlainText(lines, errors),
        };

        return Finish(raw, errors, speakers, limits);
    }

    /// <summary>Picks a format from a file name's extension, falling back to <see cref="TranscriptFormat.Auto"/>.</summary>
    public static TranscriptFormat FormatFromFileName(string fileName)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        return Path.GetExtension(fileName).ToLowerInvariant() switch
        {
            ".vtt" => TranscriptFormat.WebVtt,
            ".srt" => TranscriptFormat.Srt,
            ".csv" => TranscriptFormat.Csv,
            ".txt" => TranscriptFormat.PlainText,
            _ => TranscriptFormat.Auto,
        };
    }

    internal static TranscriptFormat DetectFormat(IReadOnlyList<string> lines)
    {
        var first = lines.FirstOrDefault(l => l.Trim().Length > 0)?.Trim() ?? string.Empty;
        if (first.StartsWith("WEBVTT", StringComparison.Ordinal))
        {
            return TranscriptFormat.WebVtt;
        }

        if (int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out _)
            && lines.Take(5).Any(l => l.Contains("-->", StringComparison.Ordinal)))
        {
            return TranscriptFormat.Srt;
        }

        return first.StartsWith("speaker,", StringComparison.OrdinalIgnoreCase) ? TranscriptFormat.Csv : TranscriptFormat.PlainText;
    }

    internal static string[] SplitLines(string text) =>
        text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Split('\n');

    private static List<RawUtterance> ParsePlainText(IReadOnlyList<string> lines, List<TranscriptError> errors)
    {
        var result = new List<RawUtterance>();
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0)
            {
                continue;
            }

            TimeSpan? start = null;
            // Optional "[00:01:02] " prefix, as many transcription tools write.
            if (line[0] == '[' && line.IndexOf(']', StringComparison.Ordinal) is var close and > 1
                && Timestamps.TryParse(line[1..close], out var stamp))
            {
                start = stamp;
                line = line[(close + 1)..].TrimStart();
            }

            if (!SpeakerPrefix.TrySplit(line, out var speaker, out var said))
            {
                errors.Add(new TranscriptError(i + 1, "expected 'Name: utterance'"));
                continue;
            }

            if (said.Length == 0)
            {
                errors.Add(new TranscriptError(i + 1, $"'{speaker}' says nothing"));
                continue;
            }

            result.Add(new RawUtterance(speaker, said, start, null, i + 1));
        }

        return result;
    }

    private static TranscriptParseResult Finish(
        List<RawUtterance> raw,
        List<TranscriptError> errors,
        SpeakerMapping speakers,
        TranscriptLimits limits)
    {
        if (errors.Count == 0 && raw.Count == 0)
        {
            errors.Add(new TranscriptError(0, "the transcript contains no utterances"));
        }

        if (raw.Count > limits.MaxUtterances)
        {
            errors.Add(new TranscriptError(raw[limits.MaxUtterances].Line, $"more than {limits.MaxUtterances:N0} utterances"));
        }

        var unknown = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var utterances = new List<Utterance>(raw.Count);
        foreach (var r in raw)
        {
            if (r.Text.Length > limits.MaxUtteranceLength)
            {
                errors.Add(new TranscriptError(r.Line, $"utterance longer than {limits.MaxUtteranceLength:N0} characters"));
            }

            var role = speakers.RoleOf(r.Speaker);
            if (role is null)
            {
                if (unknown.Add(r.Speaker))
                {
                    errors.Add(new TranscriptError(r.Line, $"cannot tell whether '{r.Speaker}' is the therapist or a client: name the therapist (--therapist NAME) or call the speakers Therapist and Client"));
                }

                continue;
            }

            utterances.Add(new Utterance(utterances.Count, r.Speaker, role.Value, r.Text, r.Start, r.End, r.Line));
        }

        if (errors.Count == 0 && speakers.TherapistName is { } name && utterances.All(u => u.Role != SpeakerRole.Therapist))
        {
            errors.Add(new TranscriptError(0, $"no speaker called '{name}' in the transcript"));
        }

        if (errors.Count > 0)
        {
            errors.Sort((a, b) => a.Line.CompareTo(b.Line));
            return TranscriptParseResult.Failure(errors);
        }

        return TranscriptParseResult.Success(new Transcript(utterances));
    }
}

internal sealed record RawUtterance(string Speaker, string Text, TimeSpan? Start, TimeSpan? End, int Line);

internal static class SpeakerPrefix
{
    /// <summary>Splits "Name: text". Names are at most five words without question marks, commas or quotes, so prose with a colon is rarely mistaken for a speaker ("Dr. Lee" is fine); a URL's "https:" is rejected.</summary>
    public static bool TrySplit(string line, out string speaker, out string text)
    {
        speaker = string.Empty;
        text = line;
        var colon = line.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon > 60)
        {
            return false;
        }

        var name = line[..colon].Trim();
        if (name.Length == 0 || name.AsSpan().IndexOfAny("?!,;\"<>[]{}") >= 0 || char.IsDigit(name[0])
            || name.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length > 5
            || (colon + 1 < line.Length && line[colon + 1] == '/'))
        {
            return false;
        }

        speaker = name;
        text = line[(colon + 1)..].Trim();
        return true;
    }
}

internal static class Timestamps
{
    private static readonly string[] Formats =
    [
        @"hh\:mm\:ss\.fff", @"h\:mm\:ss\.fff", @"mm\:ss\.fff", @"m\:ss\.fff",
        @"hh\:mm\:ss\,fff", @"h\:mm\:ss\,fff",
        @"hh\:mm\:ss", @"h\:mm\:ss", @"mm\:ss", @"m\:ss",
        @"hh\:mm\:ss\.ff", @"hh\:mm\:ss\.f",
    ];

    /// <summary>Accepts hh:mm:ss(.fff|,fff), mm:ss(.fff) or plain seconds.</summary>
    public static bool TryParse(string value, out TimeSpan time)
    {
        value = value.Trim();
        if (TimeSpan.TryParseExact(value, Formats, CultureInfo.InvariantCulture, out time))
        {
            return true;
        }

        // Hours beyond 23 ("25:00:00.000") are legal in WebVTT; TimeSpan formats cap them, so fall back by hand.
        var parts = value.Split(':');
        if (parts.Length == 3 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var h)
            && TimeSpan.TryParseExact("00:" + parts[1] + ":" + parts[2], Formats, CultureInfo.InvariantCulture, out var rest))
        {
            time = TimeSpan.FromHours(h) + rest;
            return true;
        }

        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0 && seconds < 1e7)
        {
            time = TimeSpan.FromSeconds(seconds);
            return true;
        }

        return false;
    }
}

/// <summary>Strict UTF-8 (or UTF-16 with a BOM) decoding; a bad byte is reported with its line. Public so a host can keep the decoded text it validated.</summary>
public static class TextDecoding
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static (string? Text, TranscriptError? Error) Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
        {
            return (Encoding.Unicode.GetString(bytes[2..]), null);
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            return (Encoding.BigEndianUnicode.GetString(bytes[2..]), null);
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            bytes = bytes[3..];
        }

        var offset = 0;
        while (offset < bytes.Length)
        {
            var status = System.Text.Rune.DecodeFromUtf8(bytes[offset..], out var rune, out var consumed);
            if (status != System.Buffers.OperationStatus.Done)
            {
                var line = bytes[..offset].Count((byte)'\n') + 1;
                return (null, new TranscriptError(line, "the file is not valid UTF-8 text (save it as UTF-8)"));
            }

            if (rune.Value == 0)
            {
                var line = bytes[..offset].Count((byte)'\n') + 1;
                return (null, new TranscriptError(line, "the file contains a NUL byte: it looks binary, not a transcript"));
            }

            offset += consumed;
        }

        return (StrictUtf8.GetString(bytes), null);
    }
}
