using Rapport.Clinical.ExpectedResponse;
using Rapport.Clinical.Instruments;
using Rapport.Clinical.Scoring;

namespace Rapport.Clinical.Tests.Instruments;

public class PackScoringTests
{
    private static Instrument Imported(string id) =>
        InstrumentImport.Merge(InstrumentCatalog.Get(id), InstrumentImportTests.LicensedCopy(id)).Instrument!;

    [Theory]
    [InlineData("wai-sr", 1, 12, 5, 60)]
    [InlineData("srs", 0, 0, 10, 40)]
    [InlineData("ors", 0, 0, 10, 40)]
    [InlineData("sai", 0, 0, 6, 36)]
    public void ImportedPack_ScoresItsDocumentedTotalRange(string id, int min, int minTotal, int max, int maxTotal)
    {
        var pack = Imported(id);
        var lowest = Enumerable.Repeat<int?>(min, pack.Items.Count).ToArray();
        var highest = Enumerable.Repeat<int?>(max, pack.Items.Count).ToArray();
        Assert.Equal(minTotal, ScoreResponse.ScoreInOrder(pack, lowest).Result!.Total);
        Assert.Equal(maxTotal, ScoreResponse.ScoreInOrder(pack, highest).Result!.Total);
        Assert.Equal((pack.Scoring.TotalMin, pack.Scoring.TotalMax), (minTotal, maxTotal));
        var tooHigh = (int?[])highest.Clone();
        tooHigh[0] = max + 1;
        Assert.Equal(ScoreErrorKind.OutOfRange, ScoreResponse.ScoreInOrder(pack, tooHigh).Errors.Single().Kind);
    }

    [Fact]
    public void Ors_TotalBelow25IsClinical_AndNotOnTrackMeansFallingBelowTheBand()
    {
        var ors = Imported("ors");
        var result = ScoreResponse.ScoreInOrder(ors, [6, 6, 6, 6]).Result!;
        Assert.True(result.IsCase(ors));
        var model = ExpectedResponseModel.Default(ors);
        Assert.Equal(ScoreDirection.HigherIsBetter, model.Direction);
        Assert.True(NotOnTrack.Evaluate(model, [20, 14, 12]).OffTrack);
        Assert.False(NotOnTrack.Evaluate(model, [20, 25, 28]).OffTrack);
    }

    [Fact]
    public void Srs_LowAllianceDefaultIsBelow36AndProvisional()
    {
        var srs = InstrumentCatalog.Get("srs");
        Assert.Equal(36, srs.Scoring.LowAlliance!.Below);
        Assert.True(srs.Scoring.LowAlliance.Provisional);
    }

    [Fact]
    public void CNip_ShipsNoItemWording()
    {
        var cnip = InstrumentCatalog.Get("c-nip");
        Assert.All(cnip.Items, i => Assert.Null(i.Text));
        Assert.All(QuestionnaireReader.AnswerableItems(cnip.Questionnaire), i => Assert.Contains(i.Extension, e => e.Value?.ToString() == "to-be-imported"));
    }
}
