using Hl7.Fhir.Model;
using Rapport.Clinical.Instruments;

namespace Rapport.Clinical.Tests.Instruments;

public class InstrumentCatalogTests
{
    [Fact]
    public void Catalog_ListsFourBundledInstrumentsAndFourPacks()
    {
        Assert.Equal(["phq-9", "gad-7", "c-nip", "rapport-session-check"], InstrumentCatalog.Bundled.Select(i => i.Id));
        Assert.Equal(["wai-sr", "srs", "ors", "sai"], InstrumentCatalog.Packs.Select(i => i.Id));
        Assert.All(InstrumentCatalog.Packs, p => Assert.Equal(LicenceStatus.LicenceRequired, p.Licence.Status));
        Assert.All(InstrumentCatalog.Bundled, p => Assert.Equal(LicenceStatus.Open, p.Licence.Status));
    }

    [Fact]
    public void Get_WithUnknownId_NamesTheKnownIds()
    {
        var ex = Assert.Throws<KeyNotFoundException>(() => InstrumentCatalog.Get("bdi-ii"));
        Assert.Contains("phq-9", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Phq9_QuestionnaireCarriesPanelItemAndAnswerLoincCodes()
    {
        var phq9 = InstrumentCatalog.Get("phq-9");
        Assert.Equal("44249-1", phq9.Questionnaire.Code.Single().Code);
        Assert.Equal(
            ["44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2", "44252-5", "44253-3", "44260-8"],
            phq9.Items.Select(i => i.LoincCode));
        Assert.Equal(["LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9"], phq9.Items[0].Options.Select(o => o.Code));
        Assert.Equal([0, 1, 2, 3], phq9.Items[8].Options.Select(o => o.Weight));
        var total = phq9.Questionnaire.Item.Single(i => i.LinkId == "total");
        Assert.Equal("44261-6", total.Code.Single().Code);
    }

    [Fact]
    public void Phq9_DifficultyItemIsAskedButNotScored()
    {
        var phq9 = InstrumentCatalog.Get("phq-9");
        Assert.Equal(9, phq9.Items.Count);
        var difficulty = phq9.Questionnaire.Item.Single(i => i.LinkId == "10");
        Assert.Equal("69722-7", difficulty.Code.Single().Code);
        Assert.Equal(-1, phq9.IndexOf("10"));
    }

    [Fact]
    public void Phq9_CarriesPfizerCopyrightAndNoPermissionStatement()
    {
        var phq9 = InstrumentCatalog.Get("phq-9");
        Assert.Contains("PHQ-9 Copyright © Pfizer Inc. All rights reserved", phq9.Licence.Statement, StringComparison.Ordinal);
        Assert.Contains("No permission required to reproduce, translate, display or distribute", phq9.Licence.Statement, StringComparison.Ordinal);
        Assert.Equal("Thoughts that you would be better off dead or of hurting yourself in some way", phq9.Items[8].Text);
    }

    [Fact]
    public void Gad7_QuestionnaireCarriesPanelAndTotalLoincCodes()
    {
        var gad7 = InstrumentCatalog.Get("gad-7");
        Assert.Equal("69737-5", gad7.Questionnaire.Code.Single().Code);
        Assert.Equal("70274-6", gad7.Questionnaire.Item.Single(i => i.LinkId == "total").Code.Single().Code);
        Assert.Equal(7, gad7.Items.Count);
        Assert.True(gad7.HasWording);
    }

    [Fact]
    public void Packs_ShipNoItemWordingAndAreUnusableWithAReason()
    {
        foreach (var pack in InstrumentCatalog.Packs)
        {
            Assert.All(QuestionnaireReader.AnswerableItems(pack.Questionnaire), i => Assert.True(string.IsNullOrEmpty(i.Text)));
            Assert.False(pack.IsUsable);
            Assert.Contains("rapport instruments import", pack.UnusableReason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void WaiSr_HasTaskGoalBondSubscalesFromHatcherAndGillaspy()
    {
        var wai = InstrumentCatalog.Get("wai-sr");
        Assert.Equal(12, wai.Items.Count);
        Assert.Equal(["1", "2", "10", "12"], wai.Scoring.Subscales.Single(s => s.Id == "task").LinkIds);
        Assert.Equal(["4", "6", "8", "11"], wai.Scoring.Subscales.Single(s => s.Id == "goal").LinkIds);
        Assert.Equal(["3", "5", "7", "9"], wai.Scoring.Subscales.Single(s => s.Id == "bond").LinkIds);
        Assert.Null(wai.Scoring.Caseness);
    }

    [Fact]
    public void CNip_HasEighteenBipolarItemsOnFourScales()
    {
        var cnip = InstrumentCatalog.Get("c-nip");
        Assert.Equal(18, cnip.Items.Count);
        Assert.Equal(-3, cnip.Scoring.ItemMin);
        Assert.Equal(3, cnip.Scoring.ItemMax);
        Assert.Equal([5, 5, 3, 5], cnip.Scoring.Subscales.Select(s => s.LinkIds.Count));
        Assert.True(cnip.IsUsable);
        Assert.False(cnip.HasWording);
    }

    [Fact]
    public void SessionCheck_IsOpenlyLicensedAndLabelledNotYetValidated()
    {
        var check = InstrumentCatalog.Get("rapport-session-check");
        Assert.Contains("CC BY 4.0", check.Licence.Statement, StringComparison.Ordinal);
        Assert.Contains("not yet validated", check.Title, StringComparison.Ordinal);
        Assert.True(check.Scoring.LowAlliance!.Provisional);
        Assert.True(check.Scoring.ReliableChange!.Provisional);
        Assert.Equal(["bond", "goals", "tasks", "overall"], check.Items.Select(i => i.LinkId));
    }

    [Fact]
    public void Phq8_IsOnlyAvailableByANamedPracticeChoice()
    {
        Assert.DoesNotContain(InstrumentCatalog.All, i => i.Id == "phq-8");
        Assert.Throws<ArgumentException>(() => new Phq8PracticeChoice("", new DateOnly(2026, 1, 1), "reason"));
        Assert.Throws<ArgumentException>(() => new Phq8PracticeChoice("Clinical lead", new DateOnly(2026, 1, 1), " "));
        var phq8 = InstrumentCatalog.Phq8(new Phq8PracticeChoice("Clinical governance board", new DateOnly(2026, 1, 1), "research protocol; C-SSRS used at every session"));
        Assert.Equal(8, phq8.Items.Count);
        Assert.DoesNotContain(phq8.Questionnaire.Item, i => i.LinkId == "9");
        Assert.Contains("C-SSRS", phq8.VariantNote, StringComparison.Ordinal);
    }

    [Fact]
    public void QuestionnaireReader_RejectsAResourceThatIsNotAQuestionnaire()
    {
        var ex = Assert.Throws<FormatException>(() => QuestionnaireReader.Parse("{\"resourceType\":\"Patient\",\"id\":\"x\"}"));
        Assert.Contains("Questionnaire", ex.Message, StringComparison.Ordinal);
        Assert.IsType<Questionnaire>(InstrumentCatalog.Get("phq-9").Questionnaire);
    }
}
