namespace Rapport.Listening.Transcripts;

/// <summary>Who is speaking, as far as listening metrics are concerned.</summary>
public enum SpeakerRole
{
    Therapist,
    Client,
}

/// <summary>One cue, line or row of a transcript, in input order.</summary>
/// <param name="Index">Zero-based position in the transcript.</param>
/// <param name="Speaker">The speaker's name as written in the file.</param>
/// <param name="Role">The role the speaker mapping gave that name.</param>
/// <param name="Text">The spoken text with markup removed.</param>
/// <param name="Start">Cue start, when the format carries timestamps.</param>
/// <param name="End">Cue end, when the format carries timestamps.</param>
/// <param name="Line">One-based line in the source file where the utterance starts.</param>
public sealed record Utterance(
    int Index,
    string Speaker,
    SpeakerRole Role,
    string Text,
    TimeSpan? Start,
    TimeSpan? End,
    int Line);

/// <summary>A parsed transcript whose speakers all have a role.</summary>
public sealed record Transcript(IReadOnlyList<Utterance> Utterances)
{
    /// <summary>True when every utterance carries a start and an end time.</summary>
    public bool HasTimestamps => Utterances.Count > 0 && Utterances.All(u => u.Start is not null && u.End is not null);

    /// <summary>Builds a transcript from (speaker, role, text) triples, e.g. for tests or an app that already has turns.</summary>
    public static Transcript FromTurns(IEnumerable<(string Speaker, SpeakerRole Role, string Text)> turns)
    {
        ArgumentNullException.ThrowIfNull(turns);
        var list = turns.Select((t, i) => new Utterance(i, t.Speaker, t.Role, t.Text, null, null, i + 1)).ToList();
        return new Transcript(list);
    }
}

/// <summary>A problem in the input, with the one-based line where it was found (0 when it concerns the whole file).</summary>
public sealed record TranscriptError(int Line, string Message)
{
    public override string ToString() => Line > 0 ? $"line {Line}: {Message}" : Message;
}

/// <summary>Either a transcript or the errors that stopped it; never both, and never a partial transcript.</summary>
public sealed class TranscriptParseResult
{
    private TranscriptParseResult(Transcript? transcript, IReadOnlyList<TranscriptError> errors)
    {
        Transcript = transcript;
        Errors = errors;
    }

    public Transcript? Transcript { get; }

    public IReadOnlyList<TranscriptError> Errors { get; }

    public bool Succeeded => Transcript is not null;

    public static TranscriptParseResult Success(Transcript transcript) => new(transcript, []);

    public static TranscriptParseResult Failure(IReadOnlyList<TranscriptError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (errors.Count == 0)
        {
            throw new ArgumentException("A failure needs at least one error.", nameof(errors));
        }

        return new(null, errors);
    }

    public static TranscriptParseResult Failure(int line, string message) => Failure([new TranscriptError(line, message)]);
}

/// <summary>Input formats a therapist is likely to have.</summary>
public enum TranscriptFormat
{
    /// <summary>Guess from the content (WEBVTT header, SRT numbering, CSV header, otherwise plain text).</summary>
    Auto,
    WebVtt,
    Srt,
    PlainText,
    Csv,
}

/// <summary>Bounds on what an import accepts, so one upload cannot exhaust memory.</summary>
public sealed record TranscriptLimits(long MaxBytes, int MaxUtterances, int MaxUtteranceLength)
{
    /// <summary>5 MB, 20,000 utterances, 10,000 characters per utterance: a three-hour session is well under all three.</summary>
    public static TranscriptLimits Default { get; } = new(5 * 1024 * 1024, 20_000, 10_000);
}
