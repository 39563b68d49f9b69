using System.Net;
using Microsoft.EntityFrameworkCore;
using Rapport.Audit;

namespace Rapport.Web.Tests.Api;

/// <summary>The audit trail as staff and clients meet it through the API and the pages.</summary>
public sealed class AuditTrailWebTests(SharedApp shared) : IClassFixture<SharedApp>
{
    [Fact]
    public async Task ApiClientRecordRead_WritesExactlyOneAuditEntry_WithWhereItCameFrom()
    {
        var id = await shared.App.ClientIdAsync(Personas.Client5);
        using var client = await shared.App.SignedInAsync(Personas.Therapist1);
        client.DefaultRequestHeaders.UserAgent.ParseAdd("RapportAuditTest/1.0");

        using var response = await client.GetAsync(new Uri($"/api/clients/{id}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var db = shared.App.SystemDb();
        var entry = Assert.Single(await db.AuditEntries.Where(e => e.ClientId == id).ToListAsync());
        Assert.Equal(AuditAction.Read, entry.Action);
        Assert.Equal("RapportAuditTest/1.0", entry.UserAgent);
    }

    [Fact]
    public async Task WhoHasLookedAtMyRecord_ShowsTheTherapistWhoOpenedIt_ButNotToAnotherClient()
    {
        var id = await shared.App.ClientIdAsync(Personas.Client6);
        string therapistName;
        await using (var db = shared.App.SystemDb())
        {
            therapistName = await db.StaffMembers.Where(s => s.Email == Personas.Therapist1).Select(s => s.DisplayName).SingleAsync();
        }

        using (var therapist = await shared.App.SignedInWithCookieAsync(Personas.Therapist1))
        {
            using var page = await therapist.GetAsync(new Uri($"/clients/{id}", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }

        using var me = await shared.App.SignedInWithCookieAsync(Personas.Client6);
        var html = await me.GetStringAsync(new Uri("/me/access", UriKind.Relative));
        using var other = await shared.App.SignedInWithCookieAsync(Personas.Client7);
        var otherHtml = await other.GetStringAsync(new Uri("/me/access", UriKind.Relative));

        Assert.Contains(therapistName, html, StringComparison.Ordinal);
        Assert.DoesNotContain(therapistName, otherHtml, StringComparison.Ordinal);
        Assert.Contains("No one at your practice has opened your record yet", otherHtml, StringComparison.Ordinal);
    }

    // Issue 10 item 6: the dashboard shows names, latest scores and alerts, so each client on it sees that view.
    [Fact]
    public async Task Dashboard_ShowsInTheAccessListOfEachClientOnIt_AsTheTherapistsDashboardView()
    {
        string therapistName;
        await using (var db = shared.App.SystemDb())
        {
            therapistName = await db.StaffMembers.Where(s => s.Email == Personas.Therapist2).Select(s => s.DisplayName).SingleAsync();
        }

        using (var therapist = await shared.App.SignedInWithCookieAsync(Personas.Therapist2))
        {
            using var page = await therapist.GetAsync(new Uri("/caseload", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }

        using var me = await shared.App.SignedInWithCookieAsync(Personas.Client14);
        var html = await me.GetStringAsync(new Uri("/me/access", UriKind.Relative));

        Assert.Contains(therapistName, html, StringComparison.Ordinal);
        Assert.Contains("Saw you on their dashboard", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefusedRead_AnswersExactlyAsForAMadeUpId_AndLeavesOneRefusedEntryNamingNoClient()
    {
        var notTheirs = await shared.App.ClientIdAsync(Personas.Client24);
        var madeUp = Guid.CreateVersion7();
        using var client = await shared.App.SignedInAsync(Personas.Therapist1);

        using var refused = await client.GetAsync(new Uri($"/api/clients/{notTheirs}", UriKind.Relative));
        using var missing = await client.GetAsync(new Uri($"/api/clients/{madeUp}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.Equal(await missing.Content.ReadAsStringAsync(), await refused.Content.ReadAsStringAsync());
        await using var db = shared.App.SystemDb();
        var entry = Assert.Single(await db.AuditEntries.Where(e => e.RecordId == notTheirs.ToString()).ToListAsync());
        Assert.Equal((AuditAction.Refused, (Guid?)null), (entry.Action, entry.ClientId));
        Assert.Single(await db.AuditEntries.Where(e => e.RecordId == madeUp.ToString() && e.Action == AuditAction.Refused).ToListAsync());
        Assert.Equal(0, await db.AuditEntries.CountAsync(e => e.ClientId == notTheirs));
    }

    [Fact]
    public async Task ClientNav_LinksToWhoHasLookedAtMyRecord()
    {
        using var me = await shared.App.SignedInWithCookieAsync(Personas.Client8);

        var html = await me.GetStringAsync(new Uri("/me", UriKind.Relative));

        Assert.Contains("href=\"me/access\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WhoHasLookedAtMyRecord_IsForClientsOnly()
    {
        using var therapist = await shared.App.SignedInWithCookieAsync(Personas.Therapist1);

        using var response = await therapist.GetAsync(new Uri("/me/access", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }
}
