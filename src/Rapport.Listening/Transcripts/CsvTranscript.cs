using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;

namespace Rapport.Listening.Transcripts;

/// <summary>CSV with columns <c>speaker,text[,start,end]</c>; a header row with those names is optional.</summary>
internal static class CsvTranscript
{
    public static List<RawUtterance> Parse(string text, List<TranscriptError> errors)
    {
        var result = new List<RawUtterance>();
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            HasHeaderRecord = false,
            BadDataFound = null,
            MissingFieldFound = null,
            DetectColumnCountChanges = false,
        };
        using var reader = new StringReader(text);
        using var csv = new CsvReader(reader, config);
        var first = true;
        try
        {
            while (csv.Read())
            {
                var line = csv.Parser.RawRow;
                var fields = csv.Parser.Record ?? [];
                if (fields.All(string.IsNullOrWhiteSpace))
                {
                    continue;
                }

                if (first && fields[0].Trim().Equals("speaker", StringComparison.OrdinalIgnoreCase))
                {
                    first = false;
                    continue;
                }

                first = false;
                if (fields.Length is < 2 or > 4)
                {
                    errors.Add(new TranscriptError(line, $"expected 2 to 4 columns (speaker,text[,start,end]), found {fields.Length}"));
                    continue;
                }

                var speaker = fields[0].Trim();
                var said = fields[1].Trim();
                if (speaker.Length == 0 || said.Length == 0)
                {
                    errors.Add(new TranscriptError(line, "speaker and text must not be empty"));
                    continue;
                }

                TimeSpan? start = null, end = null;
                if (fields.Length >= 3 && fields[2].Trim().Length > 0)
                {
                    if (!Timestamps.TryParse(fields[2], out var s))
                    {
                        errors.Add(new TranscriptError(line, $"cannot read the start time '{fields[2]}'"));
                        continue;
                    }

                    start = s;
                }

                if (fields.Length == 4 && fields[3].Trim().Length > 0)
                {
                    if (!Timestamps.TryParse(fields[3], out var e))
                    {
                        errors.Add(new TranscriptError(line, $"cannot read the end time '{fields[3]}'"));
                        continue;
                    }

                    if (start is { } st && e < st)
                    {
                        errors.Add(new TranscriptError(line, "the row ends before it starts"));
                        continue;
                    }

                    end = e;
                }

                result.Add(new RawUtterance(speaker, said, start, end, line));
            }
        }
        catch (CsvHelperException ex)
        {
            errors.Add(new TranscriptError(csv.Parser.RawRow, "malformed CSV: " + ex.GetType().Name));
        }

        return result;
    }
}
