namespace Rapport.Cli.Tests.Clinical;

public class ScoreCommandTests
{
    [Fact]
    public async Task Score_Phq9_PrintsTheContractJson()
    {
        var run = await CliRunner.Run("score", "--instrument", "phq-9", "--answers", "2,2,1,2,2,1,2,1,1");
        Assert.Equal(0, run.ExitCode);
        Assert.Equal("{\"instrument\":\"phq-9\",\"total\":14,\"severity\":\"moderate\",\"subscales\":{},\"complete\":true,\"alerts\":[{\"kind\":\"risk\",\"item\":\"9\"}]}\n", run.Output);
        Assert.Empty(run.Error);
    }

    [Fact]
    public async Task Score_Gad7_PrintsSevereWithoutAlerts()
    {
        var run = await CliRunner.Run("score", "--instrument", "gad-7", "--answers", "3,3,3,2,2,1,1");
        Assert.Equal("{\"instrument\":\"gad-7\",\"total\":15,\"severity\":\"severe\",\"subscales\":{},\"complete\":true,\"alerts\":[]}\n", run.Output);
    }

    [Theory]
    [InlineData("2,2,1,2,2,1,2,1,4", "item 9: 4 is out of range; allowed 0 to 3")]
    [InlineData("2,2,1,2,x,1,2,1,0", "item 5: 'x' is not a number; allowed 0 to 3")]
    [InlineData("2,2,1,2,2,1,2,1", "phq-9 needs 9 answers (items 1..9, each 0 to 3, empty = missing), got 8")]
    [InlineData("2,2,1,2,2,1,2,1,0,0", "phq-9 needs 9 answers (items 1..9, each 0 to 3, empty = missing), got 10")]
    public async Task Score_WithInvalidAnswers_ExitsTwoWithOneLineAndNoOutput(string answers, string message)
    {
        var run = await CliRunner.Run("score", "--instrument", "phq-9", "--answers", answers);
        Assert.Equal(RapportCli.InvalidInput, run.ExitCode);
        Assert.Equal("", run.Output);
        Assert.Equal([message], run.ErrorLines);
    }

    [Fact]
    public async Task Score_WithEmptyField_ReportsTheMissingItemAsIncomplete()
    {
        var run = await CliRunner.Run("score", "--instrument", "phq-9", "--answers", "1,,1,1,1,1,1,1,0");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("\"total\":null", run.Output, StringComparison.Ordinal);
        Assert.Contains("\"complete\":false", run.Output, StringComparison.Ordinal);
        Assert.Contains("\"incomplete_reason\":\"item 2 not answered", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Score_CNip_AcceptsNegativeValuesWithTheEqualsForm()
    {
        var run = await CliRunner.Run("score", "--instrument", "c-nip", "--answers=-3,2,1,0,0,1,1,1,1,1,0,0,0,3,3,3,3,3");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("\"warm-support-vs-focused-challenge\":15", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Score_PackWithoutWording_ExplainsHowToImport()
    {
        var run = await CliRunner.Run("score", "--instrument", "srs", "--answers", "9,9,9,9", "--data", CliRunner.TempFolder());
        Assert.Equal(RapportCli.InvalidInput, run.ExitCode);
        Assert.Equal("", run.Output);
        Assert.Contains("licence-gated", Assert.Single(run.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Score_UnknownInstrument_ListsKnownIds()
    {
        var run = await CliRunner.Run("score", "--instrument", "bdi", "--answers", "1");
        Assert.Equal(RapportCli.InvalidInput, run.ExitCode);
        Assert.Contains("phq-9", Assert.Single(run.ErrorLines), StringComparison.Ordinal);
    }
}
