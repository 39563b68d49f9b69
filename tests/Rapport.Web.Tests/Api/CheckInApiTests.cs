using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Rapport.Audit;
using Rapport.Episodes;
using Rapport.Web.Tests.Support;

namespace Rapport.Web.Tests.Api;

/// <summary>The check-in through the JSON API (a phone app, the load test): the same rules, relationship and audit as the page.</summary>
public sealed class CheckInApiTests(SharedApp shared) : IClassFixture<SharedApp>
{
    [Fact]
    public async Task Client_AnswersThePhq9OneQuestionAtATime_AndTheLastAnswerStoresOneAuditedResponse()
    {
        var clientId = await shared.App.ClientIdAsync(Personas.Client3);
        using var client = await shared.App.SignedInAsync(Personas.Client3);
        await using (var db = shared.App.SystemDb())
        {
            Assert.False(await db.MeasureResponses.AnyAsync(r => r.ClientId == clientId && r.SubmittedAt > DateTime.UtcNow.AddHours(-1)));
        }

        var view = await client.GetFromJsonAsync<JsonElement>("/api/my/check-in");
        var instrument = view.GetProperty("instrument");
        var instrumentId = instrument.GetProperty("instrumentId").GetString()!;
        var count = instrument.GetProperty("question").GetProperty("count").GetInt32();
        JsonElement last = default;
        for (var n = 1; n <= count; n++)
        {
            var question = instrument.GetProperty("question");
            Assert.Equal(n, question.GetProperty("number").GetInt32());
            using var answered = await client.PostAsJsonAsync("/api/my/check-in/answers", new
            {
                episodeId = view.GetProperty("episodeId").GetGuid(),
                instrumentId,
                linkId = question.GetProperty("linkId").GetString(),
                value = 0,
            });
            Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
            last = await answered.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(n == count, last.GetProperty("submitted").GetBoolean());
            view = await client.GetFromJsonAsync<JsonElement>("/api/my/check-in");
            instrument = view.GetProperty("instrument");
        }

        await using var check = shared.App.SystemDb();
        var response = await check.MeasureResponses.SingleAsync(r => r.ClientId == clientId && r.InstrumentId == instrumentId && r.SubmittedAt > DateTime.UtcNow.AddHours(-1));
        Assert.Equal(0, response.Total);
        Assert.False(await check.CheckInDrafts.AnyAsync(d => d.ClientId == clientId && d.InstrumentId == instrumentId));
        Assert.True(await check.AuditEntries.IgnoreQueryFilters().AnyAsync(e => e.RecordType == "MeasureResponse" && e.RecordId == response.Id.ToString()
            && e.Action == AuditAction.Create && e.ClientId == clientId));
        Assert.NotEqual(instrumentId, instrument.ValueKind == JsonValueKind.Object ? instrument.GetProperty("instrumentId").GetString() : null);
    }

    [Fact]
    public async Task AnswerOutOfRange_IsAValidationProblem_AndNothingIsSaved()
    {
        var clientId = await shared.App.ClientIdAsync(Personas.Client4);
        using var client = await shared.App.SignedInAsync(Personas.Client4);
        var view = await client.GetFromJsonAsync<JsonElement>("/api/my/check-in");
        var instrument = view.GetProperty("instrument");
        await using var before = shared.App.SystemDb();
        var drafts = await before.CheckInDrafts.CountAsync(d => d.ClientId == clientId);

        using var answered = await client.PostAsJsonAsync("/api/my/check-in/answers", new
        {
            instrumentId = instrument.GetProperty("instrumentId").GetString(),
            linkId = instrument.GetProperty("question").GetProperty("linkId").GetString(),
            value = 99,
        });

        Assert.Equal(HttpStatusCode.BadRequest, answered.StatusCode);
        Assert.Contains("not one of the choices", await answered.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await using var after = shared.App.SystemDb();
        Assert.Equal(drafts, await after.CheckInDrafts.CountAsync(d => d.ClientId == clientId));
    }

    [Fact]
    public async Task AnotherClientsEpisode_IsNotFound_AndNothingIsSaved()
    {
        Guid alien;
        await using (var db = shared.App.SystemDb())
        {
            var client3 = await shared.App.ClientIdAsync(Personas.Client3);
            alien = await db.EpisodeMembers.Where(m => m.ClientId == client3 && m.Episode!.Status != EpisodeStatus.Ended).Select(m => m.EpisodeId).FirstAsync();
        }

        using var client = await shared.App.SignedInAsync(Personas.Client5);
        var drafts = await CountDraftsAsync(alien);

        using var answered = await client.PostAsJsonAsync("/api/my/check-in/answers", new { episodeId = alien, instrumentId = "phq-9", linkId = "1", value = 1 });
        using var read = await client.GetAsync(new Uri($"/api/my/check-in?episodeId={alien}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, answered.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        Assert.Equal(drafts, await CountDraftsAsync(alien));
    }

    [Fact]
    public async Task Therapist_CannotAnswerACheckIn()
    {
        using var therapist = await shared.App.SignedInAsync(Personas.Therapist1);

        using var answered = await therapist.PostAsJsonAsync("/api/my/check-in/answers", new { instrumentId = "phq-9", linkId = "1", value = 1 });

        Assert.Equal(HttpStatusCode.Forbidden, answered.StatusCode);
    }

    private async Task<int> CountDraftsAsync(Guid episodeId)
    {
        await using var db = shared.App.SystemDb();
        return await db.CheckInDrafts.CountAsync(d => d.EpisodeId == episodeId);
    }
}
