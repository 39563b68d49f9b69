using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Rapport.Episodes;
using Rapport.Web.Tests.Api;
using Rapport.Web.Tests.Support;

namespace Rapport.Web.Tests.Pages;

/// <summary>
/// client11 is in couple work with therapist1 and (here) individual work with therapist2: the check-in asks which, the
/// choice travels in the address, a forged episode is not found, and the in-room check-in goes to its own episode.
/// </summary>
public sealed partial class EpisodeCheckInPageTests(SharedApp shared) : IClassFixture<SharedApp>, IAsyncLifetime
{
    private const string Client = Personas.Client11;
    private Guid _couple, _individual;

    public async Task InitializeAsync()
    {
        await using (var db = shared.App.SystemDb())
        {
            var client11 = await shared.App.ClientIdAsync(Client);
            _couple = await db.EpisodeMembers.Where(m => m.ClientId == client11 && m.Episode!.Format == EpisodeFormat.Couple).Select(m => m.EpisodeId).SingleAsync();
            _individual = await db.EpisodeMembers.Where(m => m.ClientId == client11 && m.Episode!.Format == EpisodeFormat.Individual && m.Episode.Status == EpisodeStatus.Active).Select(m => m.EpisodeId).FirstOrDefaultAsync();
        }

        // One app for the class: the second episode is added once.
        if (_individual == Guid.Empty)
        {
            await using var system = shared.App.SystemDb();
            (_couple, _individual) = await SecondEpisode.AddAsync(system, Client, Personas.Therapist2);
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task CheckIn_WithTwoEpisodesDue_AsksWhichTherapy_WithALinkToEach()
    {
        using var client = await shared.App.SignedInWithCookieAsync(Client);

        var html = await client.GetStringAsync(new Uri("/check-in", UriKind.Relative));

        Assert.Contains("Which therapy is this check-in for?", html, StringComparison.Ordinal);
        Assert.Contains($"href=\"check-in/{_individual}\"", html, StringComparison.Ordinal);
        Assert.Contains($"href=\"check-in/{_couple}\"", html, StringComparison.Ordinal);
        Assert.Contains("Individual work with Priya Nair", html, StringComparison.Ordinal);
        Assert.Contains("Couple work with Sam Okafor", html, StringComparison.Ordinal);
        Assert.DoesNotContain("check-in-answer", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Answer_PostedForTheChosenEpisode_IsStoredThere_AndTheCheckInStaysOnIt()
    {
        using var client = await shared.App.SignedInWithCookieAsync(Client);
        var url = $"/check-in/{_individual}";
        var page = await client.GetStringAsync(new Uri(url, UriKind.Relative));
        Assert.Contains("Check-in", page, StringComparison.Ordinal);
        var instrument = Hidden("Form.InstrumentId").Match(page).Groups[1].Value;
        var linkId = Hidden("Form.LinkId").Match(page).Groups[1].Value;

        using var answered = await PostAsync(client, url, page, [new("_handler", "check-in-answer"), new("Form.InstrumentId", instrument), new("Form.LinkId", linkId), new("Form.Value", "1")]);

        Assert.Equal(HttpStatusCode.Redirect, answered.StatusCode);
        Assert.EndsWith(url, answered.Headers.Location!.ToString(), StringComparison.Ordinal);
        await using var db = shared.App.SystemDb();
        var client11 = await shared.App.ClientIdAsync(Client);
        var draft = await db.CheckInDrafts.SingleAsync(d => d.ClientId == client11 && d.InstrumentId == instrument);
        Assert.Equal(_individual, draft.EpisodeId);
    }

    [Fact]
    public async Task AnotherClientsEpisode_IsNotFound_ByAddressOrForm_AndNothingIsSaved()
    {
        Guid alien;
        await using (var db = shared.App.SystemDb())
        {
            var client3 = await shared.App.ClientIdAsync(Personas.Client3);
            alien = await db.EpisodeMembers.Where(m => m.ClientId == client3 && m.Episode!.Status != EpisodeStatus.Ended).Select(m => m.EpisodeId).FirstAsync();
        }

        using var client = await shared.App.SignedInWithCookieAsync(Client);
        using (var get = await client.GetAsync(new Uri($"/check-in/{alien}", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        }

        // A real form of the client's own, sent to the other client's episode, or with its episode field swapped.
        var own = await client.GetStringAsync(new Uri($"/check-in/{_couple}", UriKind.Relative));
        KeyValuePair<string, string>[] answer = [new("_handler", "check-in-answer"), new("Form.InstrumentId", "phq-9"), new("Form.LinkId", "1"), new("Form.Value", "1")];
        using (var byAddress = await PostAsync(client, $"/check-in/{alien}", own, answer))
        {
            Assert.Equal(HttpStatusCode.NotFound, byAddress.StatusCode);
        }

        using (var byForm = await PostAsync(client, "/check-in", own, [.. answer, new("Form.EpisodeId", alien.ToString())]))
        {
            Assert.Equal(HttpStatusCode.NotFound, byForm.StatusCode);
        }

        using (var note = await PostAsync(client, "/check-in", own, [new("_handler", "check-in-note"), new("Note.Text", "Not for you"), new("Note.EpisodeId", alien.ToString())]))
        {
            Assert.Equal(HttpStatusCode.NotFound, note.StatusCode);
        }

        await using var check = shared.App.SystemDb();
        Assert.False(await check.CheckInDrafts.AnyAsync(d => d.EpisodeId == alien));
        Assert.False(await check.ClientNotes.AnyAsync(n => n.EpisodeId == alien));
        Assert.False(await check.MeasureResponses.AnyAsync(r => r.EpisodeId == alien && r.SubmittedAt > DateTime.UtcNow.AddMinutes(-5)));
    }

    [Fact]
    public async Task InRoomQrCode_ForTheCoupleEpisode_LeadsToTheCoupleCheckIn()
    {
        var client11 = await shared.App.ClientIdAsync(Client);
        using var therapist = await shared.App.SignedInWithCookieAsync(Personas.Therapist1);
        var inRoom = $"/episodes/{_couple}/in-room";
        using var shown = await PostAsync(therapist, inRoom, await therapist.GetStringAsync(new Uri(inRoom, UriKind.Relative)), [new("_handler", $"qr-{client11}")]);
        var link = new Uri(PassLink().Match(await shown.Content.ReadAsStringAsync()).Value).PathAndQuery;

        using var member = await shared.App.SignedInWithCookieAsync(Client);
        using var redeemed = await member.GetAsync(new Uri(link, UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, redeemed.StatusCode);
        Assert.EndsWith($"/check-in/{_couple}", redeemed.Headers.Location!.ToString(), StringComparison.Ordinal);
        var page = await member.GetStringAsync(redeemed.Headers.Location);
        Assert.Contains($"name=\"Form.EpisodeId\" value=\"{_couple}\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Which therapy is this check-in for?", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandOver_ForTheCoupleEpisode_OpensTheCoupleCheckIn()
    {
        var client11 = await shared.App.ClientIdAsync(Client);
        using var device = await shared.App.SignedInWithCookieAsync(Personas.Therapist1);
        var inRoom = $"/episodes/{_couple}/in-room";

        using var handed = await PostAsync(device, inRoom, await device.GetStringAsync(new Uri(inRoom, UriKind.Relative)), [new("_handler", $"handover-{client11}")]);

        Assert.Equal(HttpStatusCode.Redirect, handed.StatusCode);
        Assert.EndsWith($"/check-in/{_couple}", handed.Headers.Location!.ToString(), StringComparison.Ordinal);
        using var checkIn = await device.GetAsync(handed.Headers.Location);
        Assert.Equal(HttpStatusCode.OK, checkIn.StatusCode);
        Assert.Contains($"name=\"Form.EpisodeId\" value=\"{_couple}\"", await checkIn.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string url, string page, IEnumerable<KeyValuePair<string, string>> fields)
    {
        var token = AntiforgeryToken().Match(page).Groups[1].Value;
        using var content = new FormUrlEncodedContent(fields.Append(new("__RequestVerificationToken", token)));
        return await client.PostAsync(new Uri(url, UriKind.Relative), content);
    }

    private static Regex Hidden(string name) => new($"name=\"{Regex.Escape(name)}\" value=\"([^\"]*)\"");

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();

    [GeneratedRegex("http://[^\\s<\"]+/check-in/room/[A-Za-z0-9_-]+")]
    private static partial Regex PassLink();
}
