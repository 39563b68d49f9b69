using System.Text.Json;
using Rapport.Clinical.ExpectedResponse;
using Rapport.Clinical.Instruments;
using Rapport.Progress;
using Rapport.Sessions;

namespace Rapport.Tests.Progress;

public sealed class EpisodeProgressTests
{
    private static readonly DateTime Start = new(2026, 1, 5, 10, 0, 0, DateTimeKind.Utc);

    private static (List<ProgressResponse> Responses, List<ProgressSession> Sessions) Episode(string instrument, params int[] totals)
    {
        var sessions = totals.Select((_, i) => new ProgressSession(Guid.NewGuid(), i + 1, SessionStatus.Attended)).ToList();
        var items = InstrumentCatalog.Get(instrument).Items;
        var responses = totals.Select((t, i) =>
        {
            // Spread the total over the items (never the risk item) so the stored answers add up to it.
            var answers = items.ToDictionary(x => x.LinkId, _ => (int?)0);
            var left = t;
            foreach (var item in items.Where(x => x.LinkId != "9"))
            {
                var give = Math.Min(left, item.Options.Max(o => o.Weight));
                answers[item.LinkId] = give;
                left -= give;
            }

            return new ProgressResponse(instrument, Start.AddDays(7 * i), sessions[i].Id, t, JsonSerializer.Serialize(answers));
        }).ToList();
        return (responses, sessions);
    }

    [Theory]
    [InlineData(new[] { 18, 15, 12, 10 }, ChangeCategory.ReliableImprovement, -8)]
    [InlineData(new[] { 14, 13, 12 }, ChangeCategory.NoReliableChange, -2)]
    [InlineData(new[] { 10, 13, 17 }, ChangeCategory.ReliableDeterioration, 7)]
    [InlineData(new[] { 16 }, ChangeCategory.NotYetKnown, null)]
    public void Phq9_ChangeCategory_FollowsTheReliableChangeOfSixPoints(int[] totals, ChangeCategory expected, int? by)
    {
        var (responses, sessions) = Episode("phq-9", totals);

        var phq9 = EpisodeProgress.Build(responses, sessions).Outcomes.Single();

        Assert.Equal(expected, phq9.Change);
        Assert.Equal(by, phq9.ChangeBy);
        Assert.Equal(6, phq9.ReliableChange);
        Assert.Equal(10, phq9.CutOff);
    }

    [Fact]
    public void OutcomeBand_IsTheDashboardsExpectedResponseModel_AndMarksNotOnTrack()
    {
        var (responses, sessions) = Episode("phq-9", 20, 19, 20, 21, 20);
        var model = ExpectedResponseModel.Default(InstrumentCatalog.Get("phq-9"));

        var points = EpisodeProgress.Build(responses, sessions).Outcomes.Single().Points;

        for (var i = 0; i < points.Count; i++)
        {
            var band = model.Band(20, i + 1);
            Assert.Equal(band.Lower, points[i].ExpectedLower, 6);
            Assert.Equal(band.Upper, points[i].ExpectedUpper, 6);
            Assert.Equal(i > 0 && model.IsOffTrack(20, i + 1, points[i].Score), points[i].AboveBand);
        }

        Assert.True(points[^1].AboveBand, "a client who stays at 20 for five sessions is above the band");
        Assert.Equal(sessions.Select(s => (int?)s.Number), points.Select(p => p.SessionNumber));
    }

    [Fact]
    public void Alliance_RuptureAndRepair_AreMarkedAtTheCheckInsWhereTheyHappen()
    {
        // A steady alliance, a sharp V at check-in 6, back at 7.
        var (responses, sessions) = Episode("rapport-session-check", 36, 37, 36, 37, 36, 22, 36, 37);

        var alliance = EpisodeProgress.Build(responses, sessions).Alliance!;

        Assert.Contains(alliance.Markers, m => m.Kind == AllianceMarkerKind.Rupture && m.Measurement == 6);
        Assert.Contains(alliance.Markers, m => m.Kind == AllianceMarkerKind.Repair && m.Measurement == 7);
        Assert.Contains(alliance.Markers, m => m.Kind == AllianceMarkerKind.LowAlliance && m.Measurement == 6);
        Assert.DoesNotContain(alliance.Markers, m => m.Measurement < 6);
        Assert.Equal(32, alliance.LowBelow);
    }

    [Fact]
    public void ItemTable_GivesEachItemsAnswers_WithTheInstrumentsWording_AndMarksTheRiskItem()
    {
        var (responses, sessions) = Episode("phq-9", 5, 9);

        var table = EpisodeProgress.Build(responses, sessions).Items.Single(t => t.InstrumentId == "phq-9");

        var phq9 = InstrumentCatalog.Get("phq-9");
        Assert.Equal(phq9.Items.Select(i => i.Text), table.Items.Select(i => i.Text));
        Assert.Equal("9", Assert.Single(table.Items, i => i.IsRiskItem).LinkId);
        Assert.Equal([5, 9], table.Totals);
        Assert.Equal([3, 3], table.Items[0].Answers);
        Assert.Equal([2, 3], table.Items[1].Answers);
    }

    [Fact]
    public void PairedOutcome_NeedsTwoAttendedSessions()
    {
        var (responses, sessions) = Episode("phq-9", 18, 8);

        var outcome = EpisodeProgress.Build(responses, sessions).Outcome!.Outcome;
        var early = EpisodeProgress.Build(responses, [sessions[0] with { Status = SessionStatus.Attended }, sessions[1] with { Status = SessionStatus.Scheduled }]).Outcome!.Outcome;

        Assert.True(outcome.ReliableRecovery);
        Assert.False(early.FinishedTreatment);
        Assert.False(early.Recovery);
    }
}
