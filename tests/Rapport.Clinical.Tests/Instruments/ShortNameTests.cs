using Rapport.Clinical.Instruments;

namespace Rapport.Clinical.Tests.Instruments;

public class ShortNameTests
{
    [Theory]
    [InlineData(InstrumentCatalog.Phq9Id, "PHQ-9")]
    [InlineData(InstrumentCatalog.Gad7Id, "GAD-7")]
    [InlineData(InstrumentCatalog.CNipId, "C-NIP")]
    [InlineData(InstrumentCatalog.SessionCheckId, "Session Check")]
    [InlineData("wai-sr", "WAI-SR")]
    [InlineData("srs", "SRS")]
    public void EveryInstrument_HasTheShortNameCliniciansUse(string id, string expected)
    {
        Assert.Equal(expected, InstrumentCatalog.Get(id).ShortName);
        Assert.Equal(expected, InstrumentCatalog.ShortNameOf(id));
    }

    [Fact]
    public void AnIdNoLongerInTheCatalogue_IsShownAsStored() => Assert.Equal("retired-measure", InstrumentCatalog.ShortNameOf("retired-measure"));

    [Theory]
    [InlineData(4, "minimal")]
    [InlineData(5, "mild")]
    [InlineData(19, "moderately severe")]
    [InlineData(27, "severe")]
    public void BandFor_GivesThePhq9SeverityBandOfATotal(int total, string expected)
    {
        Assert.Equal(expected, InstrumentCatalog.Get(InstrumentCatalog.Phq9Id).Scoring.BandFor(total));
    }

    [Fact]
    public void BandFor_IsNullForAnInstrumentWithoutBands() => Assert.Null(InstrumentCatalog.Get(InstrumentCatalog.SessionCheckId).Scoring.BandFor(30));
}
