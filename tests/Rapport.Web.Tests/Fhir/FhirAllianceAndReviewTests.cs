using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Rapport.Audit;
using Rapport.Episodes;
using Rapport.Web.Tests.Api;
using Rapport.Web.Tests.Support;
using Task = System.Threading.Tasks.Task;

namespace Rapport.Web.Tests.Fhir;

/// <summary>Alliance Flags beside the risk Flags, and the review fixes: per-member audit of shared records, no FHIR write by cookie.</summary>
public sealed class FhirAllianceAndReviewTests(SharedApp shared) : IClassFixture<SharedApp>
{
    private RapportApp App => shared.App;

    [Fact]
    public async Task AllianceConcernOnTheDashboard_IsAnActiveFlag_WithTheSameWords()
    {
        using var api = await App.SignedInAsync(Personas.Therapist1);
        var caseload = await api.GetFromJsonAsync<JsonElement>("/api/caseload");
        var concerns = caseload.EnumerateArray()
            .SelectMany(r => r.GetProperty("attention").EnumerateArray()
                .Where(a => a.GetProperty("kind").GetString() == "Alliance" && !a.GetProperty("text").GetString()!.StartsWith("Split", StringComparison.Ordinal))
                .Select(a => (Client: r.GetProperty("clientId").GetGuid(), Text: a.GetProperty("text").GetString()!)))
            .ToList();
        Assert.NotEmpty(concerns);

        foreach (var (client, text) in concerns)
        {
            var bundle = await api.GetFromJsonAsync<JsonElement>($"/fhir/Flag?patient={client}&status=active");
            var flags = bundle.GetProperty("entry").EnumerateArray().Select(e => e.GetProperty("resource")).ToList();
            var alliance = Assert.Single(flags, f => f.GetProperty("id").GetString()!.StartsWith("alliance-", StringComparison.Ordinal)
                && f.GetProperty("code").GetProperty("text").GetString() == text);
            Assert.Contains(alliance.GetProperty("code").GetProperty("coding").EnumerateArray(), c => c.GetProperty("code").GetString() == "alliance-concern");
            using var read = await api.GetAsync(new Uri($"/fhir/Flag/{alliance.GetProperty("id").GetString()}", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        }
    }

    [Fact]
    public async Task ClientsOwnToken_GetsNoAllianceFlag()
    {
        using var therapist = await App.SignedInAsync(Personas.Therapist1);
        var caseload = await therapist.GetFromJsonAsync<JsonElement>("/api/caseload");
        var client = caseload.EnumerateArray().First(r => r.GetProperty("attention").EnumerateArray().Any(a => a.GetProperty("kind").GetString() == "Alliance"
            && !a.GetProperty("text").GetString()!.StartsWith("Split", StringComparison.Ordinal))).GetProperty("clientId").GetGuid();
        await using var db = App.SystemDb();
        var email = await db.Clients.Where(c => c.Id == client).Select(c => c.Email).SingleAsync();
        using var own = await App.SignedInAsync(email!);

        var body = await own.GetStringAsync(new Uri("/fhir/Flag", UriKind.Relative));

        Assert.DoesNotContain("alliance-concern", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("CareTeam")]
    [InlineData("Encounter")]
    public async Task ReadingACouplesSharedRecord_IsAuditedForEachMember(string type)
    {
        var partner1 = await App.ClientIdAsync(Personas.Client11);
        var partner2 = await App.ClientIdAsync(Personas.Client12);
        await using var db = App.SystemDb();
        var episode = await db.Episodes.Where(e => e.Format == EpisodeFormat.Couple && e.Members.Any(m => m.ClientId == partner1) && e.Members.Any(m => m.ClientId == partner2))
            .Select(e => e.Id).FirstAsync();
        var id = type == "CareTeam" ? episode : await db.Sessions.Where(s => s.EpisodeId == episode).Select(s => s.Id).FirstAsync();
        var staff = await App.ViewerForAsync(Personas.Therapist1);
        var before = await db.AuditEntries.CountAsync(e => e.UserId == staff.UserId && e.Action == AuditAction.Read && e.RecordType == type);
        using var api = await App.SignedInAsync(Personas.Therapist1);

        using var response = await api.GetAsync(new Uri($"/fhir/{type}/{id}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // One read naming both partners, so it is in each one's access list.
        var entry = await db.AuditEntries.Where(e => e.UserId == staff.UserId && e.Action == AuditAction.Read && e.RecordType == type)
            .OrderByDescending(e => e.Sequence).FirstAsync();
        Assert.Equal(before + 1, await db.AuditEntries.CountAsync(e => e.UserId == staff.UserId && e.Action == AuditAction.Read && e.RecordType == type));
        Assert.Equal(new HashSet<Guid> { partner1, partner2 }, AuditEntriesConcerning.Parse(entry.Subjects).ToHashSet());
    }

    [Fact]
    public async Task FhirWrite_WithOnlyTheBrowserCookie_IsRefused_AndStoresNothing()
    {
        var patient = await App.ClientIdAsync(Personas.Client3);
        using var browser = await App.SignedInWithCookieAsync(Personas.Therapist1);
        await using var db = App.SystemDb();
        var before = await db.MeasureResponses.CountAsync(r => r.ClientId == patient);
        var body = "{\"resourceType\":\"QuestionnaireResponse\",\"status\":\"completed\",\"subject\":{\"reference\":\"Patient/" + patient + "\"}}";

        // A cross-site form post would send the cookie and a form content type: refused the same as this.
        using var post = await browser.PostAsync(new Uri("/fhir/QuestionnaireResponse", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/fhir+json"));
        using var read = await browser.GetAsync(new Uri($"/fhir/Patient/{patient}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
        Assert.Contains("bearer token", await post.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, await db.MeasureResponses.CountAsync(r => r.ClientId == patient));
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
    }

    [Fact]
    public async Task CapabilityStatement_DeclaresBulkDataAndSmart()
    {
        using var http = App.Anonymous();

        var metadata = await http.GetFromJsonAsync<JsonElement>("/fhir/metadata");

        Assert.Contains(metadata.GetProperty("instantiates").EnumerateArray(), i => i.GetString() == "http://hl7.org/fhir/uv/bulkdata/CapabilityStatement/bulk-data");
        var rest = metadata.GetProperty("rest")[0];
        Assert.Contains(rest.GetProperty("operation").EnumerateArray(), o => o.GetProperty("name").GetString() == "export");
        Assert.Equal("SMART-on-FHIR", rest.GetProperty("security").GetProperty("service")[0].GetProperty("coding")[0].GetProperty("code").GetString());
    }
}
