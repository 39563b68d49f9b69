using Rapport.Clinical.Change;

namespace Rapport.Clinical.Tests.Change;

public class ReliableChangeIndexTests
{
    [Fact]
    public void MinimumReliableChange_IsJacobsonTruaxWithTheRootTwo()
    {
        // SD 5, r .85: SEM = 5·√.15 = 1.9365; S_diff = √2·SEM = 2.7386; 1.96·S_diff = 5.3677.
        Assert.Equal(1.9365, ReliableChangeIndex.StandardErrorOfMeasurement(5, 0.85), 4);
        Assert.Equal(2.7386, ReliableChangeIndex.StandardErrorOfDifference(5, 0.85), 4);
        Assert.Equal(5.3677, ReliableChangeIndex.MinimumReliableChange(5, 0.85), 4);
    }

    [Fact]
    public void Compute_SignFollowsRawChange()
    {
        Assert.Equal(-2.0, ReliableChangeIndex.Compute(20, 14.5228, 5, 0.85), 3);
    }

    [Fact]
    public void InvalidReliability_IsRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ReliableChangeIndex.MinimumReliableChange(5, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => ReliableChangeIndex.MinimumReliableChange(0, 0.8));
    }
}

public class NhsPairedOutcomeTests
{
    private static PairedOutcome Classify(int sessions, int? phqFirst, int? phqLast, int? gadFirst, int? gadLast) =>
        NhsPairedOutcome.Classify(new EpisodeScores(sessions, phqFirst, phqLast, gadFirst, gadLast));

    [Theory]
    [InlineData(10, 0, true)]
    [InlineData(9, 0, false)]
    [InlineData(0, 8, true)]
    [InlineData(0, 7, false)]
    [InlineData(9, 7, false)]
    public void CasenessAtStart_IsPhq9AtLeast10OrGad7AtLeast8(int phq, int gad, bool expected) =>
        Assert.Equal(expected, Classify(2, phq, phq, gad, gad).CasenessAtStart);

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, true)]
    public void FinishedTreatment_NeedsTwoAttendedSessions(int sessions, bool expected) =>
        Assert.Equal(expected, Classify(sessions, 15, 5, 12, 3).FinishedTreatment);

    [Fact]
    public void Phq9DropOfExactlySix_IsReliableImprovement_FiveIsNot()
    {
        Assert.True(Classify(6, 16, 10, 5, 5).ReliableImprovement);
        Assert.False(Classify(6, 16, 11, 5, 5).ReliableImprovement);
    }

    [Fact]
    public void Phq9RiseOfExactlySix_IsReliableDeterioration_FiveIsNot()
    {
        Assert.True(Classify(6, 10, 16, 5, 5).ReliableDeterioration);
        Assert.False(Classify(6, 10, 15, 5, 5).ReliableDeterioration);
    }

    [Fact]
    public void Gad7ChangeOfExactlyFour_IsReliable_ThreeIsNot()
    {
        Assert.True(Classify(6, 5, 5, 12, 8).ReliableImprovement);
        Assert.False(Classify(6, 5, 5, 12, 9).ReliableImprovement);
        Assert.True(Classify(6, 5, 5, 8, 12).ReliableDeterioration);
        Assert.False(Classify(6, 5, 5, 9, 12).ReliableDeterioration);
    }

    [Fact]
    public void OneMeasureImprovingWhileTheOtherDeteriorates_IsNeitherImprovementNorDeterioration()
    {
        var outcome = Classify(8, 18, 10, 6, 11);
        Assert.False(outcome.ReliableImprovement);
        Assert.False(outcome.ReliableDeterioration);
        Assert.False(outcome.ReliableRecovery);
        Assert.True(outcome.MixedReliableChange);
    }

    [Fact]
    public void OneMeasureImprovingWhileTheOtherChangesUnreliably_IsReliableImprovement()
    {
        var outcome = Classify(8, 18, 10, 6, 9);
        Assert.True(outcome.ReliableImprovement);
        Assert.False(outcome.MixedReliableChange);
    }

    [Fact]
    public void Recovery_NeedsCasenessAtStartAndNotAtEnd()
    {
        Assert.True(Classify(5, 12, 9, 7, 7).Recovery);
        Assert.False(Classify(5, 12, 10, 7, 7).Recovery);
        Assert.False(Classify(5, 12, 9, 7, 8).Recovery);
        Assert.False(Classify(5, 9, 3, 7, 2).Recovery); // not a case at the start
    }

    [Fact]
    public void ReliableRecovery_IsRecoveryWithReliableImprovement()
    {
        Assert.True(Classify(5, 15, 9, 7, 7).ReliableRecovery);
        Assert.False(Classify(5, 12, 9, 7, 7).ReliableRecovery); // recovered, but a 3-point drop is not reliable
        Assert.True(Classify(5, 15, 9, 7, 7).Recovery);
    }

    [Fact]
    public void OneSession_IsNotFinished_SoNoOutcomeIsClaimed()
    {
        var outcome = Classify(1, 20, 20, 15, 15);
        Assert.True(outcome.CasenessAtStart);
        Assert.False(outcome.Recovery || outcome.ReliableImprovement || outcome.ReliableDeterioration);
    }

    [Fact]
    public void MissingGad7_UsesPhq9Alone()
    {
        var outcome = Classify(4, 14, 7, null, null);
        Assert.True(outcome.CasenessAtStart);
        Assert.True(outcome.ReliableRecovery);
    }
}

public class EpisodeOutcomesTests
{
    [Fact]
    public void Rows_InAnyOrder_UseFirstAndLastSessionScores()
    {
        var episodes = new EpisodeOutcomes();
        foreach (var line in new[] { "e1,3,8,6", "e1,1,16,10", "e2,1,5,", "e1,2,12,", "e2,2,,4" })
        {
            Assert.True(EpisodeOutcomes.TryParse(line, out var id, out var row, out var error), error);
            Assert.True(episodes.TryAdd(id, row, out error), error);
        }

        var results = episodes.Results().ToList();
        Assert.Equal(["e1", "e2"], results.Select(r => r.EpisodeId));
        Assert.Equal(new EpisodeScores(3, 16, 8, 10, 6), results[0].Scores);
        Assert.True(results[0].Outcome.ReliableRecovery);
        Assert.Equal(new EpisodeScores(2, 5, 5, 4, 4), results[1].Scores);
    }

    [Theory]
    [InlineData("e1,1,28,", "phq9 '28' is not a total from 0 to 27")]
    [InlineData("e1,1,,22", "gad7 '22' is not a total from 0 to 21")]
    [InlineData("e1,0,5,5", "session '0'")]
    [InlineData("e1,x,5,5", "session 'x'")]
    [InlineData(",1,5,5", "episode_id is empty")]
    [InlineData("e1,1,5", "expected 4 comma-separated fields")]
    [InlineData("e1,1,5,5,5", "expected 4 comma-separated fields")]
    [InlineData("e1,1,-1,5", "phq9 '-1'")]
    public void MalformedRow_IsRejectedWithTheReason(string line, string expected)
    {
        Assert.False(EpisodeOutcomes.TryParse(line, out _, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(70)]
    public void SameSessionTwice_IsRejectedSoItCannotInflateAttendance(int session)
    {
        var episodes = new EpisodeOutcomes();
        Assert.True(episodes.TryAdd("e1", new OutcomeRow(session, 12, 9), out _));
        Assert.False(episodes.TryAdd("e1", new OutcomeRow(session, 11, 9), out var error));
        Assert.Equal($"episode e1 has session {session} twice (one row per attended session)", error);
        Assert.True(episodes.TryAdd("e2", new OutcomeRow(session, 11, 9), out _));
    }

    [Fact]
    public void AppendCsv_WritesTheContractColumns()
    {
        var sb = new System.Text.StringBuilder();
        var scores = new EpisodeScores(3, 16, 8, null, null);
        EpisodeOutcomes.AppendCsv(sb, new EpisodeOutcome("e1", 3, scores, NhsPairedOutcome.Classify(scores)));
        Assert.Equal("e1,3,16,8,,,true,true,true,true,false,true", sb.ToString());
    }
}
