using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Rapport.Audit;
using Rapport.Web.Tests.Api;

namespace Rapport.Web.Tests.Pages;

public sealed partial class BreakGlassPageTests(SharedApp shared) : IClassFixture<SharedApp>
{
    [Fact]
    public async Task Admin_GivingAReason_IsTakenToTheRecord_WhichNowShowsTheEpisodes()
    {
        var id = await shared.App.ClientIdAsync(Personas.Client3);
        using var admin = await shared.App.SignedInWithCookieAsync(Personas.HarbourAdmin);
        using (var before = await admin.GetAsync(new Uri($"/clients/{id}", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NotFound, before.StatusCode);
        }

        var form = await admin.GetStringAsync(new Uri($"/clients/{id}/break-glass", UriKind.Relative));
        var token = AntiforgeryToken().Match(form).Groups[1].Value;
        using var content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["_handler"] = "break-glass",
            ["Form.Reason"] = "Police welfare check requested; therapist on leave and unreachable",
        });
        using var posted = await admin.PostAsync(new Uri($"/clients/{id}/break-glass", UriKind.Relative), content);
        using var after = await admin.GetAsync(new Uri($"/clients/{id}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Contains("Referral:", await after.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await using var db = shared.App.SystemDb();
        Assert.Equal(1, await db.AuditEntries.CountAsync(e => e.ClientId == id && e.Action == AuditAction.BreakGlass));
    }

    [Fact]
    public async Task BreakGlassForOnePartner_LeavesTheOthersRecordNotFound_OnPagesTheApiAndTheReport()
    {
        var client11 = await shared.App.ClientIdAsync(Personas.Client11);
        var client12 = await shared.App.ClientIdAsync(Personas.Client12);
        string partnerName;
        Guid couple;
        await using (var db = shared.App.SystemDb())
        {
            partnerName = await db.Clients.Where(c => c.Id == client12).Select(c => c.DisplayName).SingleAsync();
            couple = await db.Episodes.Where(e => e.Members.Any(m => m.ClientId == client11) && e.Members.Any(m => m.ClientId == client12)).Select(e => e.Id).SingleAsync();
        }

        using var admin = await shared.App.SignedInWithCookieAsync(Personas.HarbourAdmin);
        var form = await admin.GetStringAsync(new Uri($"/clients/{client11}/break-glass", UriKind.Relative));
        using (var content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = AntiforgeryToken().Match(form).Groups[1].Value,
            ["_handler"] = "break-glass",
            ["Form.Reason"] = "Client's emergency contact called about a safety concern tonight",
        }))
        {
            using var posted = await admin.PostAsync(new Uri($"/clients/{client11}/break-glass", UriKind.Relative), content);
        }

        using (var granted = await admin.GetAsync(new Uri($"/clients/{client11}", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, granted.StatusCode);
            var page = await granted.Content.ReadAsStringAsync();
            Assert.Contains("title not shown under emergency access", page, StringComparison.Ordinal);
            Assert.DoesNotContain(partnerName, page, StringComparison.Ordinal);
        }

        using (var api = await admin.GetAsync(new Uri($"/api/clients/{client11}", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, api.StatusCode);
            Assert.DoesNotContain(partnerName, await api.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        foreach (var url in new[] { $"/clients/{client12}", $"/clients/{client12}/report", $"/api/clients/{client12}", $"/episodes/{couple}" })
        {
            using var response = await admin.GetAsync(new Uri(url, UriKind.Relative));
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{url}: {response.StatusCode}");
            Assert.DoesNotContain(partnerName, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // Nor through FHIR: the grant opens no episode, session or partner there (the record page is where a grant is read).
        foreach (var url in new[] { $"/fhir/CareTeam?patient={client12}", $"/fhir/Encounter?patient={client12}", $"/fhir/CareTeam?patient={client11}",
            $"/fhir/Encounter?patient={client11}", $"/fhir/CareTeam/{couple}" })
        {
            using var response = await admin.GetAsync(new Uri(url, UriKind.Relative));
            var body = await response.Content.ReadAsStringAsync();
            Assert.True((int)response.StatusCode is 200 or 404, $"{url}: {(int)response.StatusCode}");
            Assert.DoesNotContain($"\"reference\":\"Patient/{client12}\"", body, StringComparison.Ordinal);
            Assert.DoesNotContain(partnerName, body, StringComparison.Ordinal);
            Assert.DoesNotContain("\"resourceType\":\"CareTeam\"", body, StringComparison.Ordinal);
            Assert.DoesNotContain("\"resourceType\":\"Encounter\"", body, StringComparison.Ordinal);
        }

        // The client sees the look and its reason in "who has looked at my record".
        using var client = await shared.App.SignedInWithCookieAsync(Personas.Client11);
        Assert.Contains("emergency contact called about a safety concern tonight", await client.GetStringAsync(new Uri("/me/access", UriKind.Relative)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Therapist_CannotOpenTheBreakGlassPage()
    {
        var id = await shared.App.ClientIdAsync(Personas.Client3);
        using var therapist = await shared.App.SignedInWithCookieAsync(Personas.Therapist1);

        using var response = await therapist.GetAsync(new Uri($"/clients/{id}/break-glass", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
