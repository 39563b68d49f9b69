using System.Globalization;
using System.Text;

namespace Rapport.Listening.Transcripts;

/// <summary>
/// WebVTT and SRT cue parsing. Small and strict on purpose: the NuGet WebVTT/SRT readers we looked at drop the voice
/// tag or do not report line numbers, and both matter here. Follows the W3C WebVTT cue syntax for what transcripts use
/// (header, NOTE/STYLE/REGION blocks, optional cue identifiers, timings with settings, voice spans, other tags and
/// character references) and ignores the rendering parts.
/// </summary>
internal static class CueFormats
{
    public static List<RawUtterance> ParseWebVtt(IReadOnlyList<string> lines, List<TranscriptError> errors)
    {
        var result = new List<RawUtterance>();
        var first = lines.Count > 0 ? lines[0] : string.Empty;
        if (!(first == "WEBVTT" || first.StartsWith("WEBVTT ", StringComparison.Ordinal) || first.StartsWith("WEBVTT\t", StringComparison.Ordinal)))
        {
            errors.Add(new TranscriptError(1, "a WebVTT file must start with the line 'WEBVTT'"));
            return result;
        }

        var i = 1;
        // Header lines run to the first blank line.
        while (i < lines.Count && lines[i].Trim().Length > 0)
        {
            i++;
        }

        string? lastSpeaker = null;
        foreach (var (blockStart, block) in Blocks(lines, i))
        {
            var head = block[0];
            if (head.StartsWith("NOTE", StringComparison.Ordinal) && (head.Length == 4 || char.IsWhiteSpace(head[4]))
                || head == "STYLE" || head == "REGION")
            {
                continue;
            }

            var timingIndex = head.Contains("-->", StringComparison.Ordinal) ? 0 : 1;
            if (timingIndex >= block.Count || !block[timingIndex].Contains("-->", StringComparison.Ordinal))
            {
                errors.Add(new TranscriptError(blockStart + 1, "expected a cue timing line 'hh:mm:ss.ttt --> hh:mm:ss.ttt'"));
                continue;
            }

            ReadCue(block, blockStart, timingIndex, vtt: true, ref lastSpeaker, result, errors);
        }

        return result;
    }

    public static List<RawUtterance> ParseSrt(IReadOnlyList<string> lines, List<TranscriptError> errors)
    {
        var result = new List<RawUtterance>();
        string? lastSpeaker = null;
        foreach (var (blockStart, block) in Blocks(lines, 0))
        {
            if (!int.TryParse(block[0].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                errors.Add(new TranscriptError(blockStart + 1, "expected a subtitle number"));
                continue;
            }

            if (block.Count < 2 || !block[1].Contains("-->", StringComparison.Ordinal))
            {
                errors.Add(new TranscriptError(blockStart + 2, "expected a timing line 'hh:mm:ss,ttt --> hh:mm:ss,ttt'"));
                continue;
            }

            ReadCue(block, blockStart, 1, vtt: false, ref lastSpeaker, result, errors);
        }

        return result;
    }

    /// <summary>The blank-line separated blocks from line <paramref name="from"/> on, each with the index of its first line.</summary>
    private static IEnumerable<(int Start, List<string> Lines)> Blocks(IReadOnlyList<string> lines, int from)
    {
        var i = from;
        while (i < lines.Count)
        {
            if (lines[i].Trim().Length == 0)
            {
                i++;
                continue;
            }

            var start = i;
            var block = new List<string>();
            while (i < lines.Count && lines[i].Trim().Length > 0)
            {
                block.Add(lines[i]);
                i++;
            }

            yield return (start, block);
        }
    }

    private static void ReadCue(
        List<string> block,
        int blockStart,
        int timingIndex,
        bool vtt,
        ref string? lastSpeaker,
        List<RawUtterance> result,
        List<TranscriptError> errors)
    {
        var timingLine = blockStart + timingIndex + 1;
        var arrow = block[timingIndex].IndexOf("-->", StringComparison.Ordinal);
        var left = block[timingIndex][..arrow].Trim();
        // After the end time WebVTT allows cue settings ("align:start"); keep only the first token.
        var rightTokens = block[timingIndex][(arrow + 3)..].Trim().Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        var right = rightTokens.Length > 0 ? rightTokens[0] : string.Empty;
        if (!TryCueTime(left, vtt, out var start) || !TryCueTime(right, vtt, out var end))
        {
            errors.Add(new TranscriptError(timingLine, $"cannot read the cue timing '{block[timingIndex].Trim()}'"));
            return;
        }

        if (end < start)
        {
            errors.Add(new TranscriptError(timingLine, "the cue ends before it starts"));
            return;
        }

        if (block.Count <= timingIndex + 1)
        {
            errors.Add(new TranscriptError(timingLine, "the cue has no text"));
            return;
        }

        // A cue is usually one speaker; when lines inside it name different speakers, each becomes its own utterance.
        string? speaker = null;
        var text = new StringBuilder();
        var textLine = timingLine + 1;
        for (var k = timingIndex + 1; k < block.Count; k++)
        {
            var (lineSpeaker, lineText) = CueText.Read(block[k]);
            if (lineSpeaker is not null && speaker is not null && text.Length > 0
                && !string.Equals(lineSpeaker, speaker, StringComparison.OrdinalIgnoreCase))
            {
                result.Add(new RawUtterance(speaker, text.ToString(), start, end, textLine));
                text.Clear();
                textLine = blockStart + k + 1;
            }

            speaker = lineSpeaker ?? speaker;
            if (lineText.Length > 0)
            {
                text.Append(text.Length > 0 ? " " : string.Empty).Append(lineText);
            }
        }

        // Platforms split long speech into several cues and name the speaker only on the first.
        speaker ??= lastSpeaker;
        if (speaker is null)
        {
            errors.Add(new TranscriptError(textLine, "the cue does not say who speaks (expected '<v Name>' or 'Name: ')"));
            return;
        }

        if (text.Length == 0)
        {
            errors.Add(new TranscriptError(textLine, "the cue has no text"));
            return;
        }

        lastSpeaker = speaker;
        result.Add(new RawUtterance(speaker, text.ToString(), start, end, textLine));
    }

    private static bool TryCueTime(string value, bool vtt, out TimeSpan time)
    {
        time = default;
        // WebVTT requires '.' before milliseconds, SRT ','; both must have them.
        var separator = vtt ? '.' : ',';
        var dot = value.LastIndexOf(separator);
        if (dot < 0 || value.Length - dot != 4 || value.Count(c => c == ':') is < 1 or > 2)
        {
            return false;
        }

        return Timestamps.TryParse(value.Replace(',', '.'), out time);
    }
}

/// <summary>Cue payload: voice span, "Name: " prefix, tags and character references.</summary>
internal static class CueText
{
    public static (string? Speaker, string Text) Read(string line)
    {
        string? speaker = null;
        var trimmed = line.Trim();
        if (trimmed.StartsWith("<v", StringComparison.Ordinal) && trimmed.Length > 2 && (trimmed[2] == ' ' || trimmed[2] == '.' || trimmed[2] == '\t'))
        {
            var close = trimmed.IndexOf('>', StringComparison.Ordinal);
            if (close > 0)
            {
                var annotation = trimmed[2..close];
                var space = annotation.IndexOfAny([' ', '\t']);
                var name = space >= 0 ? annotation[(space + 1)..].Trim() : string.Empty;
                if (name.Length > 0)
                {
                    speaker = Entities(name);
                }
            }
        }

        var text = Entities(StripTags(trimmed)).Trim();
        if (speaker is null && SpeakerPrefix.TrySplit(text, out var prefixed, out var rest))
        {
            speaker = prefixed;
            text = rest;
        }

        return (speaker, CollapseSpaces(text));
    }

    private static string StripTags(string s)
    {
        var sb = new StringBuilder(s.Length);
        var inTag = false;
        foreach (var c in s)
        {
            if (c == '<')
            {
                inTag = true;
            }
            else if (c == '>' && inTag)
            {
                inTag = false;
            }
            else if (!inTag)
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    private static string Entities(string s) => s.Contains('&', StringComparison.Ordinal)
        ? s.Replace("&lt;", "<", StringComparison.Ordinal).Replace("&gt;", ">", StringComparison.Ordinal)
            .Replace("&nbsp;", " ", StringComparison.Ordinal).Replace("&lrm;", string.Empty, StringComparison.Ordinal)
            .Replace("&rlm;", string.Empty, StringComparison.Ordinal).Replace("&quot;", "\"", StringComparison.Ordinal)
            .Replace("&#39;", "'", StringComparison.Ordinal).Replace("&apos;", "'", StringComparison.Ordinal)
            .Replace("&amp;", "&", StringComparison.Ordinal)
        : s;

    private static string CollapseSpaces(string s) =>
        string.Join(' ', s.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries));
}
