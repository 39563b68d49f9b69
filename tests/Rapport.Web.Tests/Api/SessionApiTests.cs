using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace Rapport.Web.Tests.Api;

/// <summary>Recording a session through the JSON API: the same rules as the page.</summary>
public sealed class SessionApiTests(SharedApp shared) : IClassFixture<SharedApp>
{
    private async Task<(Guid EpisodeId, Guid Client11)> CoupleAsync()
    {
        var client11 = await shared.App.ClientIdAsync(Personas.Client11);
        var client12 = await shared.App.ClientIdAsync(Personas.Client12);
        await using var db = shared.App.SystemDb();
        var episodeId = await db.EpisodeMembers.Where(m => m.ClientId == client11 && m.Episode!.Members.Any(o => o.ClientId == client12)).Select(m => m.EpisodeId).SingleAsync();
        return (episodeId, client11);
    }

    private static object Body(Guid attendee, int minutes = 50, Guid? version = null) => new
    {
        date = DateTime.UtcNow.AddDays(-2).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        time = "09:30",
        durationMinutes = minutes,
        setting = "InPerson",
        status = "Attended",
        attendees = attendee == Guid.Empty ? Array.Empty<Guid>() : [attendee],
        version,
    };

    [Fact]
    public async Task Therapist_RecordsAndUpdatesASession_AndAStaleVersionIsAConflict()
    {
        var (episodeId, client11) = await CoupleAsync();
        using var therapist = await shared.App.SignedInAsync(Personas.Therapist1);

        using var created = await therapist.PostAsJsonAsync($"/api/episodes/{episodeId}/sessions", Body(client11));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var session = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = session.GetProperty("id").GetGuid();
        var version = session.GetProperty("version").GetGuid();

        using var updated = await therapist.PutAsJsonAsync($"/api/sessions/{id}", Body(client11, 60, version));
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        using var stale = await therapist.PutAsJsonAsync($"/api/sessions/{id}", Body(client11, 70, version));
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        // The reason travels with the 409, as on the session page.
        Assert.Contains("Someone else changed this session", await stale.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        await using var db = shared.App.SystemDb();
        Assert.Equal(60, await db.Sessions.Where(s => s.Id == id).Select(s => s.DurationMinutes).SingleAsync());
    }

    [Fact]
    public async Task BadInput_IsA400WithTheReason_AndOthersCannotRecord()
    {
        var (episodeId, client11) = await CoupleAsync();
        using var therapist = await shared.App.SignedInAsync(Personas.Therapist1);
        using var supervisor = await shared.App.SignedInAsync(Personas.Supervisor);
        using var client = await shared.App.SignedInAsync(Personas.Client11);

        using var nobody = await therapist.PostAsJsonAsync($"/api/episodes/{episodeId}/sessions", Body(Guid.Empty));
        using var tooLong = await therapist.PostAsJsonAsync($"/api/episodes/{episodeId}/sessions", Body(client11, 500));
        using var bySupervisor = await supervisor.PostAsJsonAsync($"/api/episodes/{episodeId}/sessions", Body(client11));
        using var byClient = await client.PostAsJsonAsync($"/api/episodes/{episodeId}/sessions", Body(client11));

        Assert.Equal(HttpStatusCode.BadRequest, nobody.StatusCode);
        Assert.Contains("Tick who came", await nobody.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Contains("between 5 and 240 minutes", await tooLong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, bySupervisor.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, byClient.StatusCode);
    }
}
