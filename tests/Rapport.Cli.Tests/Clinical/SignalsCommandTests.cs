namespace Rapport.Cli.Tests.Clinical;

public class SignalsCommandTests
{
    [Fact]
    public async Task Signals_PrintsDropAndRepairWithReadableDetail()
    {
        var file = CliRunner.TempFile(
            "client_id,session,instrument,total\n" +
            "c1,1,rapport-session-check,36\nc1,2,rapport-session-check,38\nc1,3,rapport-session-check,37\n" +
            "c1,4,rapport-session-check,30\nc1,5,rapport-session-check,33\nc1,6,rapport-session-check,37\n");
        var run = await CliRunner.Run("signals", file);
        Assert.Equal(0, run.ExitCode);
        Assert.Equal("client_id,session,signal,detail", run.OutputLines[0]);
        var rows = run.OutputLines.Skip(1).Select(l => l.Split(',', 4)).ToArray();
        Assert.Contains(rows, r => r[0] == "c1" && r[1] == "4" && r[2] == "low_alliance");
        Assert.Contains(rows, r => r[0] == "c1" && r[1] == "4" && r[2] == "alliance_drop" && r[3].StartsWith('"'));
        Assert.Contains(rows, r => r[0] == "c1" && r[1] == "6" && r[2] == "rupture_repair");
        Assert.All(rows, r => Assert.Contains(r[2], new[] { "low_alliance", "alliance_drop", "rupture_repair", "unrepaired_rupture", "split_alliance" }));
    }

    [Fact]
    public async Task Signals_WithEpisodeColumn_FindsSplitAlliance()
    {
        var file = CliRunner.TempFile(
            "client_id,session,instrument,total,episode_id\n" +
            "a,1,rapport-session-check,38,couple-1\nb,1,rapport-session-check,30,couple-1\n");
        var run = await CliRunner.Run("signals", file);
        Assert.Equal(0, run.ExitCode);
        Assert.Contains(run.OutputLines, l => l.StartsWith("b,1,split_alliance,", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Signals_TotalOutOfRange_ExitsTwoNamingTheLine()
    {
        var file = CliRunner.TempFile("client_id,session,instrument,total\nc1,1,rapport-session-check,41\n");
        var run = await CliRunner.Run("signals", file);
        Assert.Equal(RapportCli.InvalidInput, run.ExitCode);
        Assert.Equal("", run.Output);
        Assert.Equal(["line 2: total '41' is not a number from 0 to 40 for rapport-session-check"], run.ErrorLines);
    }

    [Fact]
    public async Task Signals_OutcomeInstrument_IsRejected()
    {
        var file = CliRunner.TempFile("client_id,session,instrument,total\nc1,1,phq-9,12\n");
        var run = await CliRunner.Run("signals", file);
        Assert.Equal(RapportCli.InvalidInput, run.ExitCode);
        Assert.Contains("not an alliance instrument", run.Error, StringComparison.Ordinal);
    }
}
