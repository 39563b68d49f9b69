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
