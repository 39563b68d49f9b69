namespace Rapport.Cli.Tests.Clinical;

public class OutcomesCommandTests
{
    private const string Header = "episode_id,sessions,first_phq9,last_phq9,first_gad7,last_gad7,caseness_at_start,finished_treatment,recovery,reliable_improvement,reliable_deterioration,reliable_recovery";

    [Fact]
    public async Task Outcomes_PrintsTheContractHeaderAndOneRowPerEpisode()
    {
        var file = CliRunner.TempFile(
            "episode_id,session,phq9,gad7\n" +
            "e1,1,16,10\ne1,2,12,\ne1,3,8,6\n" +     // reliable recovery
            "e2,1,10,7\ne2,2,16,7\n" +               // reliable deterioration (PHQ-9 +6)
            "e3,1,18,6\ne3,2,10,11\n" +              // mixed: PHQ-9 improves, GAD-7 deteriorates
            "e4,1,9,7\n");                           // not a case, one session
        var run = await CliRunner.Run("outcomes", file);
        Assert.Equal(0, run.ExitCode);
        Assert.Equal(
            [
                Header,
                "e1,3,16,8,10,6,true,true,true,true,false,true",
                "e2,2,10,16,7,7,true,true,false,false,true,false",
                "e3,2,18,10,6,11,true,true,false,false,false,false",
                "e4,1,9,9,7,7,false,false,false,false,false,false",
            ],
            run.OutputLines);
    }

    [Fact]
    public async Task Outcomes_MalformedRow_ExitsTwoNamingTheLineAndPrintsNothing()
    {
        var file = CliRunner.TempFile("episode_id,session,phq9,gad7\ne1,1,16,10\ne1,2,30,5\ne1,3,8,6\n");
        var run = await CliRunner.Run("outcomes", file);
        Assert.Equal(RapportCli.InvalidInput, run.ExitCode);
        Assert.Equal("", run.Output);
        Assert.Equal(["line 3: phq9 '30' is not a total from 0 to 27 (or empty)"], run.ErrorLines);
    }

    [Fact]
    public async Task Outcomes_SameSessionTwice_IsAMalformedRow()
    {
        var file = CliRunner.TempFile("episode_id,session,phq9,gad7\ne1,1,16,10\ne1,1,16,10\n");
        var run = await CliRunner.Run("outcomes", file);
        Assert.Equal(RapportCli.InvalidInput, run.ExitCode);
        Assert.Equal("", run.Output);
        Assert.Equal(["line 3: episode e1 has session 1 twice (one row per attended session)"], run.ErrorLines);
    }

    [Fact]
    public async Task Outcomes_WrongHeader_IsRejected()
    {
        var file = CliRunner.TempFile("id,session,phq,gad\n");
        var run = await CliRunner.Run("outcomes", file);
        Assert.Equal(RapportCli.InvalidInput, run.ExitCode);
        Assert.StartsWith("line 1: expected header", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Outcomes_MissingFile_IsInvalidInput()
    {
        var run = await CliRunner.Run("outcomes", "/nonexistent/episodes.csv");
        Assert.Equal(RapportCli.InvalidInput, run.ExitCode);
    }
}
