using System.Globalization;
using System.Text.Json;
using CsvHelper;
using CsvHelper.Configuration;
using Rapport.Listening.Transcripts;

namespace Rapport.Listening.Coding.Quality;

/// <summary>
/// One utterance of a labelled corpus as the quality model trains on it: its tokens (from <see cref="QualityInput"/>)
/// and the label of every head, null where the head does not apply or the corpus has no label.
/// </summary>
public sealed record QualityExample(
    string Transcript,
    int Utterance,
    string Group,
    SpeakerRole Role,
    EncodedUtterance Input,
    string? Behaviour,
    string? QuestionSubtype,
    string? ReflectionSubtype,
    string? ClientTalk);

/// <summary>
/// Reads the AnnoMI full layout (adds <c>client_talk_type</c> to what <see cref="LabelledTranscripts"/> reads) into
/// <see cref="QualityExample"/>s and writes them as JSON lines for tools/listening/train.py.
/// </summary>
public static class QualityTrainingSet
{
    public static List<QualityExample> Read(string csvPath, QualityInput input)
    {
        using var reader = new StreamReader(csvPath);
        return Read(reader, input);
    }

    public static List<QualityExample> Read(TextReader reader, QualityInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var (csv, header) = LabelledTranscripts.OpenWithColumns(reader, LabelledTranscripts.RequiredColumns);
        using var _ = csv;

        string? Field(string name) => header.Contains(name, StringComparer.Ordinal) ? csv.GetField(name) : null;
        var rows = new List<Row>();
        while (csv.Read())
        {
            var line = csv.Parser.RawRow;
            if (!int.TryParse(csv.GetField("utterance_id"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var order))
            {
                throw new InvalidDataException($"line {line}: utterance_id is not a whole number");
            }

            var role = (csv.GetField("interlocutor") ?? string.Empty).Trim().ToLowerInvariant() switch
            {
                "therapist" => SpeakerRole.Therapist,
                "client" => SpeakerRole.Client,
                _ => throw new InvalidDataException($"line {line}: interlocutor must be therapist or client"),
            };
            string? fine = null;
            if (role == SpeakerRole.Therapist)
            {
                fine = LabelledTranscripts.FineLabel(csv.GetField("main_therapist_behaviour") ?? string.Empty, Field("question_subtype"), Field("reflection_subtype"), Field("therapist_input_subtype"))
                    ?? throw new InvalidDataException($"line {line}: unknown main_therapist_behaviour");
            }

            var talk = Field("client_talk_type")?.Trim().ToLowerInvariant();
            var id = csv.GetField("transcript_id") ?? string.Empty;
            rows.Add(new Row(id, Field("video_url") ?? id, order, line, role, csv.GetField("utterance_text") ?? string.Empty, fine,
                role == SpeakerRole.Client && talk is "change" or "neutral" or "sustain" ? talk : null));
        }

        var examples = new List<QualityExample>();
        foreach (var t in rows.GroupBy(r => r.Transcript).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var ordered = t.OrderBy(r => r.Order).ToList();
            var utterances = ordered.Select((r, i) => new Utterance(i, r.Role.ToString(), r.Role, r.Text, null, null, r.Line)).ToList();
            for (var i = 0; i < ordered.Count; i++)
            {
                var r = ordered[i];
                var (behaviour, subtype) = Split(r.Fine);
                examples.Add(new QualityExample(
                    r.Transcript, r.Order, ordered[0].Group, r.Role, input.Encode(utterances, i), behaviour,
                    behaviour == "question" ? subtype : null,
                    behaviour == "reflection" ? subtype : null,
                    r.Talk));
            }
        }

        return examples;
    }

    /// <summary>One JSON object per line: ids, types, labels (null when absent), group, transcript, utterance, role.</summary>
    public static void WriteJsonLines(TextWriter writer, IEnumerable<QualityExample> examples)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(examples);
        using var buffer = new MemoryStream();
        foreach (var e in examples)
        {
            buffer.SetLength(0);
            using (var json = new Utf8JsonWriter(buffer))
            {
                json.WriteStartObject();
                json.WriteString("transcript", e.Transcript);
                json.WriteNumber("utterance", e.Utterance);
                json.WriteString("group", e.Group);
                json.WriteString("role", e.Role == SpeakerRole.Therapist ? "therapist" : "client");
                json.WriteStartArray("ids");
                foreach (var id in e.Input.InputIds)
                {
                    json.WriteNumberValue(id);
                }

                json.WriteEndArray();
                json.WriteStartArray("types");
                foreach (var type in e.Input.TokenTypeIds)
                {
                    json.WriteNumberValue(type);
                }

                json.WriteEndArray();
                Label(json, "behaviour", e.Behaviour);
                Label(json, "question_subtype", e.QuestionSubtype);
                Label(json, "reflection_subtype", e.ReflectionSubtype);
                Label(json, "client_talk", e.ClientTalk);
                json.WriteEndObject();
            }

            writer.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        }
    }

    private static void Label(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }

    private static (string? Behaviour, string? Subtype) Split(string? fine)
    {
        if (fine is null)
        {
            return (null, null);
        }

        var colon = fine.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? (fine, null) : (fine[..colon], fine[(colon + 1)..]);
    }

    private sealed record Row(string Transcript, string Group, int Order, int Line, SpeakerRole Role, string Text, string? Fine, string? Talk);
}
