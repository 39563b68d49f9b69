using Rapport.Listening.Coding;

namespace Rapport.Listening.Tests.Coding;

public class GroupKFoldAndReportTests
{
    [Fact]
    public void GroupKFold_KeepsEveryGroupInsideOneFold()
    {
        var items = Enumerable.Range(0, 40).Select(i => (Group: "video" + (i % 13), Size: 1 + (i % 5))).ToList();

        var folds = GroupKFold.Assign(items, x => x.Group, x => x.Size, 4);

        foreach (var group in items.Select((x, i) => (x.Group, Fold: folds[i])).GroupBy(x => x.Group))
        {
            Assert.Single(group.Select(x => x.Fold).Distinct());
        }

        Assert.Equal(4, folds.Distinct().Count());
    }

    [Fact]
    public void GroupKFold_BalancesFoldSizes()
    {
        var items = Enumerable.Range(0, 100).Select(i => (Group: "g" + i, Size: 10)).ToList();

        var folds = GroupKFold.Assign(items, x => x.Group, x => x.Size, 5);

        Assert.All(folds.GroupBy(f => f), g => Assert.Equal(20, g.Count()));
    }

    [Fact]
    public void GroupKFold_WithFewerGroupsThanFolds_Throws()
    {
        var items = new[] { "a", "a", "b" };

        Assert.Throws<ArgumentException>(() => GroupKFold.Assign(items, x => x, _ => 1, 3));
    }

    [Fact]
    public void ClassificationReport_ComputesPrecisionRecallF1AndKappa()
    {
        var pairs = new List<(string, string)>
        {
            ("a", "a"), ("a", "a"), ("a", "b"), ("b", "b"), ("b", "a"), ("b", "b"),
        };

        var report = new ClassificationReport(["a", "b"], pairs);

        Assert.Equal(2.0 / 3, report.Precision(0), 6);
        Assert.Equal(2.0 / 3, report.Recall(1), 6);
        Assert.Equal(2.0 / 3, report.MacroF1, 6);
        Assert.Equal(1.0 / 3, report.Kappa, 6);
        Assert.Equal(1, report.Count(0, 1));
        Assert.Contains("confusion matrix", report.ToText("t"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("question", "open", "n/a", "n/a", "question:open")]
    [InlineData("reflection", "n/a", "complex", "n/a", "reflection:complex")]
    [InlineData("therapist_input", "n/a", "n/a", "options", "input:advice")]
    [InlineData("therapist_input", "n/a", "n/a", "negotiation", "input:advice")]
    [InlineData("therapist_input", "n/a", "n/a", "information", "input:information")]
    [InlineData("other", "n/a", "n/a", "n/a", "other")]
    [InlineData("question", null, null, null, "question")]
    public void AnnoMiLabels_FoldIntoOurFineLabels(string main, string? q, string? r, string? i, string expected)
    {
        Assert.Equal(expected, LabelledTranscripts.FineLabel(main, q, r, i));
    }

    [Fact]
    public void LabelledCsv_WithoutRequiredColumns_NamesThem()
    {
        var ex = Assert.Throws<InvalidDataException>(() => LabelledTranscripts.Read(new StringReader("transcript_id,utterance_text\n1,hi\n")));

        Assert.Contains("interlocutor", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LabelledCsv_InAnnoMiLayout_GroupsTranscriptsInUtteranceOrder()
    {
        // Synthetic rows in the AnnoMI column layout (no AnnoMI text).
        var csv = """
            transcript_id,video_url,utterance_id,interlocutor,utterance_text,main_therapist_behaviour,question_subtype,reflection_subtype,therapist_input_subtype
            7,v1,1,client,I keep missing the bus.,n/a,n/a,n/a,n/a
            7,v1,0,therapist,What happens in the mornings?,question,open,n/a,n/a
            7,v1,2,therapist,Mornings are a scramble.,reflection,n/a,simple,n/a
            """;

        var transcript = Assert.Single(LabelledTranscripts.Read(new StringReader(csv)));

        Assert.Equal("v1", transcript.Group);
        Assert.Equal("What happens in the mornings?", transcript.Transcript.Utterances[0].Text);
        Assert.Equal("question:open", transcript.Labels[0]);
        Assert.Equal("reflection:simple", transcript.Labels[2]);
    }
}
