using System.Text.Json;
using Rapport.Listening.Coding;
using Rapport.Listening.Transcripts;

namespace Rapport.Listening;

/// <summary>
/// The one-document JSON of <c>rapport listen analyze --format json</c>, shared so the web app returns the same
/// shape: <c>{"coding":{…},"utterances":[…],"summary":{…},"missedMoments":[…]}</c>. Nulls are written, not omitted.
/// </summary>
public static class ListeningJson
{
    public static void Write(Utf8JsonWriter writer, CodedTranscript coded, ListeningReport report)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(coded);
        ArgumentNullException.ThrowIfNull(report);
        writer.WriteStartObject();
        writer.WriteStartObject("coding");
        writer.WriteString("mode", UtteranceCoders.Name(coded.Mode));
        WriteNullable(writer, "behaviourMacroF1", coded.Agreement?.BehaviourMacroF1);
        WriteNullable(writer, "subtypeMacroF1", coded.Agreement?.SubtypeMacroF1);
        WriteNullable(writer, "clientTalkMacroF1", coded.Agreement?.ClientTalkMacroF1);
        writer.WriteString("note", "Codes are a prompt for reflection, not a grade: the figures are the coder's agreement with expert coders (grouped cross-validation).");
        writer.WriteEndObject();
        writer.WriteStartArray("utterances");
        foreach (var c in coded.Utterances)
        {
            var u = c.Utterance;
            writer.WriteStartObject();
            writer.WriteNumber("index", u.Index);
            writer.WriteString("speaker", u.Role == SpeakerRole.Therapist ? "therapist" : "client");
            writer.WriteString("name", u.Speaker);
            writer.WriteString("text", u.Text);
            WriteNullableString(writer, "behaviour", c.Code is { } code ? UtteranceCode.Name(code.Behaviour) : null);
            WriteNullableString(writer, "subtype", c.Code?.Subtype is { } s ? UtteranceCode.Name(s) : null);
            WriteNullable(writer, "confidence", c.Code is { } k ? Math.Round(k.Confidence, 3) : null);
            WriteNullableString(writer, "clientTalk", c.Talk is { } t ? ClientTalkCode.Name(t.Talk) : null);
            WriteNullable(writer, "clientTalkConfidence", c.Talk is { } tc ? Math.Round(tc.Confidence, 3) : null);
            WriteNullable(writer, "start", u.Start?.TotalSeconds);
            WriteNullable(writer, "end", u.End?.TotalSeconds);
            writer.WriteNumber("line", u.Line);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();

        var s1 = report.Summary;
        writer.WriteStartObject("summary");
        WriteNullable(writer, "reflectionToQuestion", s1.ReflectionToQuestion);
        WriteNullable(writer, "percentComplexReflections", s1.PercentComplexReflections);
        WriteNullable(writer, "percentOpenQuestions", s1.PercentOpenQuestions);
        WriteNullable(writer, "therapistTalkShare", s1.TherapistTalkShare);
        WriteNullable(writer, "therapistTalkShareByTime", s1.TherapistTalkShareByTime);
        WriteNullable(writer, "meanTherapistTurnWords", s1.MeanTherapistTurnWords);
        WriteNullable(writer, "meanClientTurnWords", s1.MeanClientTurnWords);
        WriteNullable(writer, "therapistWordsPerMinute", s1.TherapistWordsPerMinute);
        WriteNullable(writer, "sessionWordsPerMinute", s1.SessionWordsPerMinute);
        WriteNullable(writer, "overlaps", s1.Overlaps);
        WriteNullable(writer, "therapistInterruptions", s1.TherapistInterruptions);
        WriteNullable(writer, "clientInterruptions", s1.ClientInterruptions);
        writer.WriteNumber("therapistUtterances", s1.TherapistUtterances);
        writer.WriteNumber("clientUtterances", s1.ClientUtterances);
        writer.WriteNumber("questions", s1.Questions);
        writer.WriteNumber("openQuestions", s1.OpenQuestions);
        writer.WriteNumber("closedQuestions", s1.ClosedQuestions);
        writer.WriteNumber("reflections", s1.Reflections);
        writer.WriteNumber("simpleReflections", s1.SimpleReflections);
        writer.WriteNumber("complexReflections", s1.ComplexReflections);
        writer.WriteNumber("information", s1.Information);
        writer.WriteNumber("advice", s1.Advice);
        writer.WriteNumber("other", s1.Other);
        writer.WriteNumber("reflectionsOfFeeling", s1.ReflectionsOfFeeling);
        writer.WriteNumber("explorationsOfFeeling", s1.ExplorationsOfFeeling);
        writer.WriteNumber("clientEmotionalDisclosures", s1.ClientEmotionalDisclosures);
        WriteTalk(writer, "changeTalk", s1.ChangeTalk);
        WriteTalk(writer, "sustainTalk", s1.SustainTalk);
        WriteNullable(writer, "neutralTalk", s1.NeutralTalk);
        writer.WriteStartObject("mitiReference");
        writer.WriteString("note", "MITI 4.2.1 reference lines (expert opinion, MI sessions); descriptive indicators, not grades");
        writer.WriteNumber("reflectionToQuestionFair", MitiReference.ReflectionToQuestionFair);
        writer.WriteNumber("reflectionToQuestionGood", MitiReference.ReflectionToQuestionGood);
        writer.WriteNumber("percentComplexReflectionsFair", MitiReference.PercentComplexReflectionsFair);
        writer.WriteNumber("percentComplexReflectionsGood", MitiReference.PercentComplexReflectionsGood);
        WriteNullableString(writer, "reflectionToQuestionBand", s1.ReflectionToQuestionBand);
        WriteNullableString(writer, "percentComplexReflectionsBand", s1.PercentComplexReflectionsBand);
        writer.WriteEndObject();
        writer.WriteEndObject();

        writer.WriteStartArray("missedMoments");
        foreach (var m in report.MissedMoments)
        {
            writer.WriteStartObject();
            writer.WriteNumber("clientIndex", m.ClientIndex);
            writer.WriteString("clientText", m.ClientText);
            writer.WriteNumber("therapistIndex", m.TherapistIndex);
            writer.WriteString("therapistText", m.TherapistText);
            writer.WriteString("kind", m.Kind);
            writer.WriteString("response", m.Response);
            writer.WriteStartArray("emotionWords");
            foreach (var w in m.EmotionWords)
            {
                writer.WriteStringValue(w);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>The document as a string (indented for people, compact for machines).</summary>
    public static string ToJson(CodedTranscript coded, ListeningReport report, bool indented = false)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions
        {
            Indented = indented,
            // Not embedded in HTML: keep accents, apostrophes and ellipses readable.
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        }))
        {
            Write(writer, coded, report);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteTalk(Utf8JsonWriter w, string name, TalkResponses? talk)
    {
        if (talk is null)
        {
            w.WriteNull(name);
            return;
        }

        w.WriteStartObject(name);
        w.WriteNumber("utterances", talk.Utterances);
        w.WriteNumber("reflected", talk.Reflected);
        w.WriteNumber("askedAbout", talk.AskedAbout);
        w.WriteNumber("other", talk.Other);
        w.WriteNumber("unanswered", talk.Unanswered);
        WriteNullable(w, "pickedUpShare", talk.PickedUpShare);
        w.WriteEndObject();
    }

    private static void WriteNullable(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static void WriteNullableString(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }
}
