using Rapport.Clinical.ExpectedResponse;
using Rapport.Clinical.Instruments;
using Rapport.Clinical.Simulation;

namespace Rapport.Clinical.Tests.ExpectedResponse;

public class ExpectedModelParametersTests
{
    private static readonly Instrument Phq9 = InstrumentCatalog.Get("phq-9");

    private static RegressionModel FittedPractice() =>
        (RegressionModel)ExpectedResponseModel.ForPractice(Phq9, [.. OutcomeCohort.Generate(Phq9, 400, 11).Select(e => e.Series)]);

    [Fact]
    public void StoredFittedModel_RestoresWithExactlyTheSameBands()
    {
        var fitted = FittedPractice();

        var restored = RegressionModel.Restore(Phq9, ExpectedModelParameters.FromJson(fitted.ToParameters().ToJson()));

        Assert.Equal(fitted.Tolerance, restored.Tolerance);
        Assert.Equal(400, restored.Episodes);
        Assert.Equal(fitted.Source, restored.Source);
        for (var intake = 10; intake <= 27; intake++)
        {
            for (var session = 1; session <= 14; session++)
            {
                Assert.Equal(fitted.Band(intake, session), restored.Band(intake, session));
            }
        }
    }

    [Fact]
    public void Parameters_ForAnotherInstrument_AreRejected()
    {
        var parameters = FittedPractice().ToParameters();

        var ex = Assert.Throws<ArgumentException>(() => RegressionModel.Restore(InstrumentCatalog.Get("gad-7"), parameters));
        Assert.Contains("phq-9", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("""{"instrumentId":"phq-9","tolerance":0.2,"episodes":300}""")]
    [InlineData("""{"instrumentId":"phq-9","tolerance":0.2,"episodes":300,"sessions":[],"extra":1}""")]
    public void Json_ThatIsNotParameters_IsAFormatError(string json) =>
        Assert.Throws<FormatException>(() => ExpectedModelParameters.FromJson(json));

    [Theory]
    [InlineData(-0.1, 300, 2.0)]
    [InlineData(double.NaN, 300, 2.0)]
    [InlineData(0.2, 0, 2.0)]
    [InlineData(0.2, 300, -1.0)]
    [InlineData(0.2, 300, double.PositiveInfinity)]
    public void Parameters_ThatAreNotAUsableModel_AreRejected(double tolerance, int episodes, double residualSd)
    {
        var parameters = new ExpectedModelParameters("phq-9", tolerance, episodes, [new SessionFit(2, 0.8, residualSd)]);
        Assert.Throws<ArgumentException>(() => RegressionModel.Restore(Phq9, parameters));
    }

    [Fact]
    public void Parameters_WithoutSessions_AreRejected() =>
        Assert.Throws<ArgumentException>(() => RegressionModel.Restore(Phq9, new ExpectedModelParameters("phq-9", 0.2, 300, [])));
}
