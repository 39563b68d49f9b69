using Rapport.Access;
using Rapport.Caseload;
using Rapport.Clients;
using Rapport.Clinical.Instruments;
using Rapport.Episodes;
using Rapport.Measures;
using Rapport.Persistence;

namespace Rapport.Tests.Alliance;

/// <summary>
/// The dashboard, the episode view and the client page say the same one thing about a client's alliance now
/// (AllianceConcern), and none of them calls a repaired rupture a concern.
/// </summary>
public sealed class AllianceConcernAgreementTests
{
    public static IEnumerable<object[]> Cases()
    {
        foreach (var provider in TestDatabase.Providers)
        {
            // A drop then a return within the repair window: a repaired rupture, good news.
            yield return [provider[0], new[] { 36, 38, 37, 30, 33, 37 }, null!];
            // A fresh drop that is also low: the drop.
            yield return [provider[0], new[] { 36, 38, 37, 30 }, "Alliance dropped from 37 to 30 at session 4"];
            // A drop with no return within three sessions.
            yield return [provider[0], new[] { 36, 38, 37, 28, 29, 28, 29 }, "Unrepaired rupture: alliance 29 at session 7"];
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task DashboardEpisodeViewAndClientPage_AgreeOnTheAllianceConcern(DatabaseProvider provider, int[] sessionChecks, string? expectedStart)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var therapist = await database.ViewerForAsync(Personas.Therapist1);
        var (episodeId, clientId) = await AddCoupleAsync(database, therapist, sessionChecks);

        await using var dbScope = database.As(therapist);
        var db = dbScope.Db;
        var dashboard = (await dbScope.Get<GetCaseload>().HandleAsync())
            .Single(r => r.EpisodeId == episodeId && r.ClientId == clientId)
            .Attention.Where(a => a.Kind == AttentionKind.Alliance).Select(a => a.Text).SingleOrDefault();
        var episodeView = (await dbScope.Get<GetEpisodeView>().HandleAsync(episodeId))!
            .Members.Single(m => m.ClientId == clientId).AllianceSignal;
        var clientPage = (await dbScope.Get<GetClientRecord>().HandleAsync(clientId))!
            .Episodes.Single(e => e.Id == episodeId).Progress.Alliance!.Concern;

        if (expectedStart is null)
        {
            Assert.Null(dashboard);
            Assert.Null(episodeView);
            Assert.Null(clientPage);
        }
        else
        {
            Assert.NotNull(dashboard);
            Assert.StartsWith(expectedStart, dashboard, StringComparison.Ordinal);
            Assert.Equal(dashboard, episodeView);
            Assert.Equal(dashboard, clientPage);
        }
    }

    /// <summary>A couple on the therapist's caseload: one partner with these Session Check totals a week apart, the other steady.</summary>
    private static async Task<(Guid EpisodeId, Guid ClientId)> AddCoupleAsync(TestDatabase database, Viewer therapist, int[] sessionChecks)
    {
        await using var dbScope = database.As(Viewer.System);
        var db = dbScope.Db;
        var practiceId = therapist.PracticeId!.Value;
        var start = DateTime.UtcNow.Date.AddDays(-7 * (sessionChecks.Length + 1));
        var partner = new Client { PracticeId = practiceId, DisplayName = "Sam Example", CreatedAt = start };
        var other = new Client { PracticeId = practiceId, DisplayName = "Alex Example", CreatedAt = start };
        var episode = new CareEpisode { PracticeId = practiceId, Title = "Couple work with Sam and Alex", Format = EpisodeFormat.Couple, Status = EpisodeStatus.Active, StartedOn = DateOnly.FromDateTime(start) };
        episode.CareTeam.Add(new EpisodeTherapist { EpisodeId = episode.Id, StaffMemberId = therapist.StaffMemberId!.Value, IsLead = true });
        episode.Members.Add(new EpisodeMember { EpisodeId = episode.Id, ClientId = partner.Id, JoinedOn = episode.StartedOn });
        episode.Members.Add(new EpisodeMember { EpisodeId = episode.Id, ClientId = other.Id, JoinedOn = episode.StartedOn });
        db.Clients.AddRange(partner, other);
        db.Episodes.Add(episode);
        for (var i = 0; i < sessionChecks.Length; i++)
        {
            foreach (var (client, total) in new[] { (partner, sessionChecks[i]), (other, 37) })
            {
                db.MeasureResponses.Add(new MeasureResponse
                {
                    PracticeId = practiceId, EpisodeId = episode.Id, ClientId = client.Id, InstrumentId = InstrumentCatalog.SessionCheckId,
                    SubmittedAt = start.AddDays(7 * (i + 1)), AnswersJson = "{}", Total = total,
                });
            }
        }

        await db.SaveChangesAsync();
        return (episode.Id, partner.Id);
    }
}
