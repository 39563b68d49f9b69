using Rapport.Listening.Coding.Quality;
using Rapport.Listening.Transcripts;

namespace Rapport.Listening.Tests.Coding.Quality;

public class QualityTrainingSetTests
{
    // Synthetic rows in the AnnoMI full layout (never AnnoMI text).
    private const string Csv = """
        transcript_id,video_url,utterance_id,interlocutor,utterance_text,main_therapist_behaviour,question_subtype,reflection_subtype,therapist_input_subtype,client_talk_type
        7,v1,1,client,I want to walk more.,n/a,n/a,n/a,n/a,change
        7,v1,0,therapist,What brings you here today?,question,open,n/a,n/a,n/a
        7,v1,2,therapist,You want to be more active.,reflection,closed,complex,n/a,n/a
        7,v1,3,client,But I never find the time.,n/a,n/a,n/a,n/a,sustain
        7,v1,4,therapist,Many people walk at lunch.,therapist_input,n/a,n/a,options,n/a
        """;

    [Fact]
    public void Read_GivesEveryUtteranceInOrder_WithTheLabelsOfItsOwnHeadsOnly()
    {
        var input = QualityInput.Load();
        var examples = QualityTrainingSet.Read(new StringReader(Csv), input);
        Assert.Equal([0, 1, 2, 3, 4], examples.Select(e => e.Utterance));
        Assert.All(examples, e => Assert.Equal("v1", e.Group));

        Assert.Equal(("question", "open", (string?)null, (string?)null), (examples[0].Behaviour, examples[0].QuestionSubtype, examples[0].ReflectionSubtype, examples[0].ClientTalk));
        // A reflection keeps its reflection subtype; the stray question subtype is not a label for it.
        Assert.Equal(("reflection", (string?)null, "complex"), (examples[2].Behaviour, examples[2].QuestionSubtype, examples[2].ReflectionSubtype));
        Assert.Equal("input", examples[4].Behaviour);
        Assert.Equal((SpeakerRole.Client, (string?)null, "change"), (examples[1].Role, examples[1].Behaviour, examples[1].ClientTalk));
        Assert.Equal("sustain", examples[3].ClientTalk);

        // The client utterance is encoded with the therapist turns around it as context.
        Assert.Equal(input.Encode("I want to walk more.", "What brings you here today?", "You want to be more active.").InputIds, examples[1].Input.InputIds);
    }

    [Fact]
    public void WriteJsonLines_WritesOneObjectPerUtteranceWithNullsForMissingLabels()
    {
        var examples = QualityTrainingSet.Read(new StringReader(Csv), QualityInput.Load());
        var writer = new StringWriter();
        QualityTrainingSet.WriteJsonLines(writer, examples);
        var lines = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(5, lines.Length);
        using var first = System.Text.Json.JsonDocument.Parse(lines[0]);
        var root = first.RootElement;
        Assert.Equal("therapist", root.GetProperty("role").GetString());
        Assert.Equal(101, root.GetProperty("ids")[0].GetInt64());
        Assert.Equal(root.GetProperty("ids").GetArrayLength(), root.GetProperty("types").GetArrayLength());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, root.GetProperty("client_talk").ValueKind);
    }

    [Fact]
    public void Read_UnknownRole_IsAnErrorNamingTheLine()
    {
        var bad = Csv.Replace("7,v1,3,client", "7,v1,3,supervisor", StringComparison.Ordinal);
        var ex = Assert.Throws<InvalidDataException>(() => QualityTrainingSet.Read(new StringReader(bad), QualityInput.Load()));
        Assert.Contains("interlocutor", ex.Message, StringComparison.Ordinal);
    }
}
