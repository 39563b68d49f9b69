using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Rapport.InRoom;
using Rapport.Sessions;
using Rapport.Web.Tests.Api;

namespace Rapport.Web.Tests.Pages;

/// <summary>Recording a session and the in-room check-in (QR code and hand-over), through the pages as a browser posts them.</summary>
public sealed partial class SessionsAndInRoomPageTests(SharedApp shared) : IClassFixture<SharedApp>
{
    private async Task<(Guid EpisodeId, Guid Client11, Guid Client12)> CoupleAsync()
    {
        var client11 = await shared.App.ClientIdAsync(Personas.Client11);
        var client12 = await shared.App.ClientIdAsync(Personas.Client12);
        await using var db = shared.App.SystemDb();
        var episodeId = await db.EpisodeMembers.Where(m => m.ClientId == client11 && m.Episode!.Members.Any(o => o.ClientId == client12)).Select(m => m.EpisodeId).SingleAsync();
        return (episodeId, client11, client12);
    }

    private static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string url, string handler, IEnumerable<KeyValuePair<string, string>> fields)
    {
        var page = await client.GetStringAsync(new Uri(url, UriKind.Relative));
        var token = AntiforgeryToken().Match(page).Groups[1].Value;
        using var content = new FormUrlEncodedContent(fields.Append(new("__RequestVerificationToken", token)).Append(new("_handler", handler)));
        return await client.PostAsync(new Uri(url, UriKind.Relative), content);
    }

    [Fact]
    public async Task Therapist_RecordsAnAttendedSession_WithWhoCame_AndBadInputShowsAnError()
    {
        var (episodeId, client11, _) = await CoupleAsync();
        using var therapist = await shared.App.SignedInWithCookieAsync(Personas.Therapist1);
        var url = $"/episodes/{episodeId}/sessions/new";
        var date = DateTime.UtcNow.AddDays(-1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        KeyValuePair<string, string>[] fields =
        [
            new("Form.Date", date), new("Form.Time", "10:00"), new("Form.DurationMinutes", "50"),
            new("Form.Setting", "Phone"), new("Form.Status", "Attended"), new("attendee", client11.ToString()),
        ];

        using var bad = await PostFormAsync(therapist, url, "session", fields.Where(f => f.Key != "attendee"));
        Assert.Contains("Tick who came", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var saved = await PostFormAsync(therapist, url, "session", fields);

        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Matches("/sessions/[0-9a-f-]+/edit", saved.Headers.Location!.ToString());
        await using var db = shared.App.SystemDb();
        var session = await db.Sessions.Include(s => s.Attendees).Where(s => s.EpisodeId == episodeId && s.Setting == SessionSetting.Phone).SingleAsync();
        Assert.Equal([client11], session.Attendees.Select(a => a.ClientId));
    }

    [Fact]
    public async Task Supervisor_ReadsTheRecordButCannotRecordSessionsOrStartAnInRoomCheckIn()
    {
        var (episodeId, _, _) = await CoupleAsync();
        using var supervisor = await shared.App.SignedInWithCookieAsync(Personas.Supervisor);

        foreach (var url in new[] { $"/episodes/{episodeId}/sessions/new", $"/episodes/{episodeId}/in-room", $"/episodes/{episodeId}/plan" })
        {
            using var response = await supervisor.GetAsync(new Uri(url, UriKind.Relative));
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
    }

    [Fact]
    public async Task QrCode_IsASingleUsePointer_ForThatMemberOnly_AfterSigningIn()
    {
        var (episodeId, client11, _) = await CoupleAsync();
        using var therapist = await shared.App.SignedInWithCookieAsync(Personas.Therapist1);
        using var shown = await PostFormAsync(therapist, $"/episodes/{episodeId}/in-room", $"qr-{client11}", []);
        var html = await shown.Content.ReadAsStringAsync();
        Assert.Contains("<svg class=\"qr-code\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("style=", html[html.IndexOf("<svg class=\"qr-code\"", StringComparison.Ordinal)..], StringComparison.Ordinal);
        var link = new Uri(PassLink().Match(html).Value).PathAndQuery;

        using var anonymous = shared.App.Anonymous();
        using (var response = await anonymous.GetAsync(new Uri(link, UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Contains("/Account/Login", response.Headers.Location!.ToString(), StringComparison.Ordinal);
        }

        using var partner = await shared.App.SignedInWithCookieAsync(Personas.Client12);
        using (var response = await partner.GetAsync(new Uri(link, UriKind.Relative)))
        {
            Assert.Contains("expired or was already used", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var member = await shared.App.SignedInWithCookieAsync(Personas.Client11);
        using (var first = await member.GetAsync(new Uri(link, UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
            Assert.EndsWith($"/check-in/{episodeId}", first.Headers.Location!.ToString(), StringComparison.Ordinal);
        }

        using (var again = await member.GetAsync(new Uri(link, UriKind.Relative)))
        {
            Assert.Contains("expired or was already used", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        await using var db = shared.App.SystemDb();
        Assert.Equal(2, await db.AuditEntries.CountAsync(a => a.RecordType == nameof(InRoomPass) && a.ClientId == client11));
    }

    [Fact]
    public async Task HandOver_EndsTheTherapistsSignIn_AndTheDeviceReachesOnlyTheCheckIn()
    {
        var (episodeId, client11, _) = await CoupleAsync();
        using var device = await shared.App.SignedInWithCookieAsync(Personas.Therapist1);

        using var handed = await PostFormAsync(device, $"/episodes/{episodeId}/in-room", $"handover-{client11}", []);
        Assert.Equal(HttpStatusCode.Redirect, handed.StatusCode);

        using (var checkIn = await device.GetAsync(new Uri("/check-in", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, checkIn.StatusCode);
            var html = await checkIn.Content.ReadAsStringAsync();
            Assert.Contains("Hand back to your therapist", html, StringComparison.Ordinal);
            Assert.DoesNotContain("Caseload", html, StringComparison.Ordinal);
            Assert.DoesNotContain("My record", html, StringComparison.Ordinal);
        }

        using (var done = await device.GetAsync(new Uri("/check-in/done", UriKind.Relative)))
        {
            // The end of the check-in on the therapist's device leads back to the therapist, not to pages out of reach.
            var html = await done.Content.ReadAsStringAsync();
            Assert.Contains("<a class=\"btn btn-primary btn-lg\" href=\"handover/end\">", html, StringComparison.Ordinal);
            Assert.DoesNotContain("href=\"me/shared\"", html, StringComparison.Ordinal);
            Assert.DoesNotContain("href=\"me\"", html, StringComparison.Ordinal);
        }

        foreach (var url in new[] { "/caseload", $"/clients/{client11}", "/me", "/me/record", "/" })
        {
            using var response = await device.GetAsync(new Uri(url, UriKind.Relative));
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal("/check-in", response.Headers.Location!.ToString());
        }

        using (var api = await device.GetAsync(new Uri("/api/my/export", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.Forbidden, api.StatusCode);
        }

        // Handing back signs the device out: the therapist must sign in again to see anything.
        var page = await device.GetStringAsync(new Uri("/handover/end", UriKind.Relative));
        Assert.Contains("action=\"Account/Logout\"", page, StringComparison.Ordinal);
        using (var content = new FormUrlEncodedContent([new("__RequestVerificationToken", AntiforgeryToken().Match(page).Groups[1].Value), new("ReturnUrl", "/Account/Login")]))
        using (var back = await device.PostAsync(new Uri("/Account/Logout", UriKind.Relative), content))
        {
            Assert.Equal(HttpStatusCode.Redirect, back.StatusCode);
        }

        using var after = await device.GetAsync(new Uri("/caseload", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.Contains("/Account/Login", after.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandOver_ToAMemberWhoCouldNotSignIn_IsRefused_AndTheTherapistStaysSignedIn()
    {
        var (episodeId, _, client12) = await CoupleAsync();
        using var device = await shared.App.SignedInWithCookieAsync(Personas.Therapist1);

        async Task AssertRefusedAsync(string because)
        {
            using var handed = await PostFormAsync(device, $"/episodes/{episodeId}/in-room", $"handover-{client12}", []);
            Assert.Equal(HttpStatusCode.OK, handed.StatusCode);
            Assert.Contains(because, await handed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            using var caseload = await device.GetAsync(new Uri("/caseload", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, caseload.StatusCode);
            await using var db = shared.App.SystemDb();
            Assert.False(await db.AuditEntries.AnyAsync(a => a.RecordType == "InRoomHandOver" && a.ClientId == client12));
        }

        async Task ChangeAsync(Action<global::Rapport.Accounts.RapportUser, global::Rapport.Clients.Client> change)
        {
            await using var db = shared.App.SystemDb();
            var user = await db.Users.SingleAsync(u => u.ClientId == client12);
            var client = await db.Clients.SingleAsync(c => c.Id == client12);
            change(user, client);
            await db.SaveChangesAsync();
        }

        try
        {
            await ChangeAsync((u, _) => { u.LockoutEnabled = true; u.LockoutEnd = DateTimeOffset.UtcNow.AddHours(1); });
            await AssertRefusedAsync("locked for now after too many tries");
            await ChangeAsync((u, _) => { u.LockoutEnd = null; u.EmailConfirmed = false; });
            await AssertRefusedAsync("not confirmed or not allowed yet");
            await ChangeAsync((u, c) => { u.EmailConfirmed = true; c.ProcessingRestricted = true; });
            await AssertRefusedAsync("asked to restrict the use of their record");
        }
        finally
        {
            await ChangeAsync((u, c) => { u.LockoutEnd = null; u.EmailConfirmed = true; c.ProcessingRestricted = false; });
        }
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();

    [GeneratedRegex("http://[^\\s<\"]+/check-in/room/[A-Za-z0-9_-]+")]
    private static partial Regex PassLink();
}
