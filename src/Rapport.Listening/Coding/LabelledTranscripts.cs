using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using Rapport.Listening.Transcripts;

namespace Rapport.Listening.Coding;

/// <summary>A transcript with reference codes for (some of) its therapist utterances.</summary>
/// <param name="Id">Transcript id from the file.</param>
/// <param name="Group">What cross-validation must keep together (AnnoMI: the source video).</param>
/// <param name="Transcript">The utterances, in order.</param>
/// <param name="Labels">Utterance index → label: a fine label ("question:open") or a main one ("question").</param>
/// <param name="ClientLabels">Client utterance index → change/neutral/sustain, from the optional <c>client_talk_type</c> column.</param>
public sealed record LabelledTranscript(string Id, string Group, Transcript Transcript, IReadOnlyDictionary<int, string> Labels, IReadOnlyDictionary<int, ClientTalk> ClientLabels)
{
    public LabelledTranscript(string Id, string Group, Transcript Transcript, IReadOnlyDictionary<int, string> Labels)
        : this(Id, Group, Transcript, Labels, new Dictionary<int, ClientTalk>())
    {
    }
}

/// <summary>
/// Reads labelled CSVs in the AnnoMI column layout (Wu et al. 2023): required columns <c>transcript_id</c>,
/// <c>utterance_id</c>, <c>interlocutor</c> (therapist/client), <c>utterance_text</c>,
/// <c>main_therapist_behaviour</c> (question, reflection, therapist_input, other); optional <c>video_url</c> (the
/// cross-validation group), <c>question_subtype</c>, <c>reflection_subtype</c>, <c>therapist_input_subtype</c>,
/// <c>client_talk_type</c> (change, neutral, sustain on client rows).
/// </summary>
public static class LabelledTranscripts
{
    /// <summary>The columns every labelled file needs (the AnnoMI layout), for the coder and the quality model alike.</summary>
    internal static readonly string[] RequiredColumns = ["transcript_id", "utterance_id", "interlocutor", "utterance_text", "main_therapist_behaviour"];

    /// <summary>Reads a file. Throws <see cref="InvalidDataException"/> naming the line of the first problem.</summary>
    public static List<LabelledTranscript> Read(string path)
    {
        using var reader = new StreamReader(path);
        return Read(reader);
    }

    /// <summary>
    /// A labelled CSV opened past its header, with every <paramref name="required"/> column present: the one check the
    /// coder's and the quality model's training sets share. Bad input is an <see cref="InvalidDataException"/> naming line 1.
    /// </summary>
    internal static (CsvReader Csv, string[] Header) OpenWithColumns(TextReader reader, IEnumerable<string> required)
    {
        var config = new CsvConfiguration(CultureInfo.InvariantCulture) { MissingFieldFound = null, BadDataFound = null };
        var csv = new CsvReader(reader, config);
        if (!csv.Read() || !csv.ReadHeader())
        {
            csv.Dispose();
            throw new InvalidDataException("line 1: the file has no header row");
        }

        var header = csv.HeaderRecord ?? [];
        var missing = required.Where(r => !header.Contains(r, StringComparer.Ordinal)).ToList();
        if (missing.Count > 0)
        {
            csv.Dispose();
            throw new InvalidDataException("line 1: missing column(s) " + string.Join(", ", missing));
        }

        return (csv, header);
    }

    public static List<LabelledTranscript> Read(TextReader reader)
    {
        var (csv, header) = OpenWithColumns(reader, RequiredColumns);
        using var _ = csv;

        bool Has(string name) => header.Contains(name, StringComparer.Ordinal);
        var rows = new List<(string Transcript, string Group, int Order, int Line, string Role, string Text, string? Label, ClientTalk? Talk)>();
        while (csv.Read())
        {
            var line = csv.Parser.RawRow;
            var id = csv.GetField("transcript_id") ?? string.Empty;
            if (!int.TryParse(csv.GetField("utterance_id"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var order))
            {
                throw new InvalidDataException($"line {line}: utterance_id is not a whole number");
            }

            var role = (csv.GetField("interlocutor") ?? string.Empty).Trim().ToLowerInvariant();
            if (role is not ("therapist" or "client"))
            {
                throw new InvalidDataException($"line {line}: interlocutor must be therapist or client");
            }

            var group = Has("video_url") ? csv.GetField("video_url") ?? id : id;
            string? label = null;
            if (role == "therapist")
            {
                label = FineLabel(
                    csv.GetField("main_therapist_behaviour") ?? string.Empty,
                    Has("question_subtype") ? csv.GetField("question_subtype") : null,
                    Has("reflection_subtype") ? csv.GetField("reflection_subtype") : null,
                    Has("therapist_input_subtype") ? csv.GetField("therapist_input_subtype") : null);
                if (label is null)
                {
                    throw new InvalidDataException($"line {line}: unknown main_therapist_behaviour");
                }
            }

            var talk = role == "client" && Has("client_talk_type") ? ClientTalkCode.Parse(csv.GetField("client_talk_type")) : null;
            rows.Add((id, group, order, line, role, csv.GetField("utterance_text") ?? string.Empty, label, talk));
        }

        var result = new List<LabelledTranscript>();
        foreach (var t in rows.GroupBy(r => r.Transcript).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var ordered = t.OrderBy(r => r.Order).ToList();
            var utterances = new List<Utterance>();
            var labels = new Dictionary<int, string>();
            var clientLabels = new Dictionary<int, ClientTalk>();
            foreach (var r in ordered)
            {
                if (r.Talk is { } talk)
                {
                    clientLabels[utterances.Count] = talk;
                }

                var role = r.Role == "therapist" ? SpeakerRole.Therapist : SpeakerRole.Client;
                if (r.Label is not null)
                {
                    labels[utterances.Count] = r.Label;
                }

                utterances.Add(new Utterance(utterances.Count, r.Role, role, r.Text, null, null, r.Line));
            }

            result.Add(new LabelledTranscript(t.Key, ordered[0].Group, new Transcript(utterances), labels, clientLabels));
        }

        return result;
    }

    /// <summary>AnnoMI labels → ours: "question:open" etc.; options and negotiation fold into advice; main label alone when the subtype is absent.</summary>
    public static string? FineLabel(string main, string? question, string? reflection, string? input)
    {
        ArgumentNullException.ThrowIfNull(main);
        static string? Clean(string? s) => s is null || s.Trim().Length == 0 || s.Trim() == "n/a" ? null : s.Trim().ToLowerInvariant();
        return main.Trim().ToLowerInvariant() switch
        {
            "question" => Clean(question) is { } q and ("open" or "closed") ? "question:" + q : "question",
            "reflection" => Clean(reflection) is { } r and ("simple" or "complex") ? "reflection:" + r : "reflection",
            "therapist_input" or "input" => Clean(input) switch
            {
                "information" => "input:information",
                "advice" or "options" or "negotiation" => "input:advice",
                _ => "input",
            },
            "other" => "other",
            _ => null,
        };
    }
}
