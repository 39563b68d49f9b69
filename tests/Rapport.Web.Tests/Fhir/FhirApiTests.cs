// Firely's POCOs declare every element nullable; a null here fails the assertion that follows, which is the point.
#pragma warning disable CS8600, CS8602, CS8603, CS8604, CS8620

using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;
using Task = System.Threading.Tasks.Task;
using Microsoft.EntityFrameworkCore;
using Rapport.Web.Tests.Api;
using Rapport.Web.Tests.Support;

namespace Rapport.Web.Tests.Fhir;

/// <summary>The FHIR R4 API as a standard FHIR client (Firely's FhirClient) meets it, over the real app host.</summary>
public sealed class FhirApiTests(SharedApp shared) : IClassFixture<SharedApp>
{
    private RapportApp App => shared.App;

    private static async Task<Questionnaire> Phq9Async(FhirClient fhir)
    {
        var found = await fhir.SearchAsync<Questionnaire>(["code=http://loinc.org|44249-1"]);
        return (Questionnaire)Assert.Single(found!.Entry).Resource;
    }

    [Theory]
    [InlineData("/fhir/Patient")]
    [InlineData("/fhir/Observation?code=http://loinc.org|44261-6")]
    [InlineData("/fhir/Patient/$everything")]
    [InlineData("/fhir/Flag")]
    public async Task Anonymous_GetsUnauthorized_WithNoResource(string url)
    {
        using var client = App.Anonymous();

        using var response = await client.GetAsync(new Uri(url, UriKind.Relative));

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain("\"resourceType\":\"Bundle\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/fhir/Encounter?date=9999-12")]
    [InlineData("/fhir/Encounter?date=9999-12-31")]
    [InlineData("/fhir/Observation?date=9999-12-31T23:59:59.9999999Z")]
    public async Task DateAtTheEndOfTheCalendar_IsABadRequest_NotAServerError(string url)
    {
        using var api = await App.SignedInAsync("therapist1@harbour.example");

        using var response = await api.GetAsync(new Uri(url, UriKind.Relative));

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("OperationOutcome", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StandardClient_CompletesACheckIn_FromMetadataToTheRiskFlag_AndTheDashboardShowsIt()
    {
        var patient = await App.ClientIdAsync("client1@harbour.example");
        var fhir = await App.FhirClientAsync("therapist1@harbour.example");

        var metadata = await fhir.CapabilityStatementAsync();
        Assert.Contains(metadata!.Rest[0].Resource, r => r.Type == "QuestionnaireResponse" && r.Interaction.Any(i => i.Code == CapabilityStatement.TypeRestfulInteraction.Create));
        var phq9 = await Phq9Async(fhir);
        var created = await fhir.CreateAsync(FhirSupport.Phq9(phq9, patient, 2, 2, 1, 1, 2, 1, 0, 1, 1));

        Assert.Equal(QuestionnaireResponse.QuestionnaireResponseStatus.Completed, created!.Status);
        var totals = await fhir.SearchAsync<Observation>([$"patient=Patient/{patient}", "code=http://loinc.org|44261-6", "_sort=-date", "_count=1"]);
        var total = (Observation)totals!.Entry[0].Resource;
        Assert.Equal(11m, ((Quantity)total.Value).Value);
        Assert.Equal("{score}", ((Quantity)total.Value).Code);
        Assert.Equal($"QuestionnaireResponse/{created.Id}", total.DerivedFrom.Single().Reference);
        Assert.NotEmpty(total.Interpretation);
        var panel = await fhir.ReadAsync<Observation>($"Observation/{created.Id}");
        Assert.Equal(10, panel!.HasMember.Count);

        var flags = await fhir.SearchAsync<Flag>([$"patient={patient}", "status=active"]);
        var flagIds = flags!.Entry.Select(e => e.Resource.Id).ToList();
        await using var db = App.SystemDb();
        var alert = await db.RiskAlerts.SingleAsync(a => a.MeasureResponseId == Guid.Parse(created.Id));
        Assert.Contains(alert.Id.ToString(), flagIds);

        using var api = await App.SignedInAsync("therapist1@harbour.example");
        var caseload = await api.GetFromJsonAsync<JsonElement>("/api/caseload");
        var row = caseload.EnumerateArray().Single(r => r.GetProperty("clientId").GetGuid() == patient);
        Assert.Equal(11, row.GetProperty("latestPhq9").GetInt32());
        Assert.Contains(row.GetProperty("attention").EnumerateArray(), a => a.TryGetProperty("riskAlertId", out var id) && id.ValueKind == JsonValueKind.String && id.GetGuid() == alert.Id);
    }

    [Theory]
    [InlineData(Personas.Therapist1)]
    [InlineData(Personas.Supervisor)]
    public async Task CaseloadSearch_FindsExactlyTheResponsesTheViewerMaySee_TheirOwnClientsAndTheirSuperviseesClients(string email)
    {
        // The search starts from the caseload's episodes (for speed at scale); it must find what the relationship filter
        // allows, no fewer (a supervisee's clients) and no more (a colleague's).
        var fhir = await App.FhirClientAsync(email);
        var found = await fhir.SearchAsync<QuestionnaireResponse>(["_count=1"]);
        await using var db = App.DbAs(await App.ViewerForAsync(email));
        var visible = await db.MeasureResponses.CountAsync();
        // Through supervision as well as their own care teams: a supervisor's count includes therapist1-3's clients.
        var ownEpisodes = await db.Episodes.CountAsync(e => e.CareTeam.Any(t => t.StaffMemberId == db.Viewer.StaffMemberId));
        var seenEpisodes = await db.Episodes.CountAsync();

        Assert.True(visible > 0);
        Assert.Equal(visible, found!.Total);
        Assert.Equal(email == Personas.Supervisor, seenEpisodes > ownEpisodes);
    }

    [Fact]
    public async Task TherapistOfAnotherPractice_GetsNotFoundForThePatient_AndCannotPostForIt()
    {
        var patient = await App.ClientIdAsync("client2@harbour.example");
        var harbour = await App.FhirClientAsync("therapist1@harbour.example");
        var phq9 = await Phq9Async(harbour);
        var northside = await App.FhirClientAsync("therapist@northside.example");
        var before = await CountResponsesAsync(patient);

        var read = await Assert.ThrowsAsync<FhirOperationException>(() => northside.ReadAsync<Patient>($"Patient/{patient}"));
        var post = await Assert.ThrowsAsync<FhirOperationException>(() => northside.CreateAsync(FhirSupport.Phq9(phq9, patient, 1, 1, 1, 1, 1, 1, 1, 1, 0)));
        var search = await northside.SearchAsync<Observation>([$"patient={patient}"]);

        Assert.Equal(HttpStatusCode.NotFound, read.Status);
        Assert.Equal(HttpStatusCode.NotFound, post.Status);
        Assert.IsType<OperationOutcome>(post.Outcome);
        Assert.Empty(search!.Entry);
        Assert.Equal(before, await CountResponsesAsync(patient));
    }

    [Fact]
    public async Task OutOfRangeAnswer_UnknownLinkId_OrUnparsableBody_IsRefusedWithAnOutcome_AndStoresNothing()
    {
        var patient = await App.ClientIdAsync("client4@harbour.example");
        var fhir = await App.FhirClientAsync("therapist1@harbour.example");
        var phq9 = await Phq9Async(fhir);
        var before = await CountResponsesAsync(patient);

        var outOfRange = FhirSupport.Phq9(phq9, patient, 1, 1, 1, 1, 1, 1, 1, 1, 1);
        outOfRange.Item[0].Answer[0].Value = new Integer(7);
        var unknown = FhirSupport.Phq9(phq9, patient, 1, 1, 1, 1, 1, 1, 1, 1, 1);
        unknown.Item[0].LinkId = "99";
        var range = await Assert.ThrowsAsync<FhirOperationException>(() => fhir.CreateAsync(outOfRange));
        var link = await Assert.ThrowsAsync<FhirOperationException>(() => fhir.CreateAsync(unknown));
        using var http = await App.SignedInAsync("therapist1@harbour.example");
        using var broken = await http.PostAsync(new Uri("/fhir/QuestionnaireResponse", UriKind.Relative),
            new StringContent("""{"resourceType":"QuestionnaireResponse","status":"completed","authored":"1980-02-30","bogus":1}""", Encoding.UTF8, "application/fhir+json"));

        Assert.Equal((HttpStatusCode)422, range.Status);
        Assert.Contains("out of range", range.Outcome!.Issue[0].Diagnostics, StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode)422, link.Status);
        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
        Assert.Equal("OperationOutcome", (await broken.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("resourceType").GetString());
        Assert.Equal(before, await CountResponsesAsync(patient));
    }

    [Fact]
    public async Task StaleIfMatch_OnAFlag_Gets412_AndTheCurrentVersionAcknowledgesIt()
    {
        var patient = await App.ClientIdAsync("client6@harbour.example");
        var fhir = await App.FhirClientAsync("therapist1@harbour.example");
        var created = await fhir.CreateAsync(FhirSupport.Phq9(await Phq9Async(fhir), patient, 0, 0, 0, 0, 0, 0, 0, 0, 2));
        await using var db = App.SystemDb();
        var alertId = await db.RiskAlerts.Where(a => a.MeasureResponseId == Guid.Parse(created!.Id)).Select(a => a.Id).SingleAsync();
        var flag = await fhir.ReadAsync<Flag>($"Flag/{alertId}");

        flag!.Status = Flag.FlagStatus.Inactive;
        var current = flag.Meta.VersionId;
        flag.Meta.VersionId = Guid.NewGuid().ToString("N");
        var stale = await Assert.ThrowsAsync<FhirOperationException>(() => fhir.UpdateAsync(flag, versionAware: true));
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.Status);
        Assert.Null((await db.RiskAlerts.AsNoTracking().SingleAsync(a => a.Id == alertId)).AcknowledgedAt);

        flag.Meta.VersionId = current;
        var acknowledged = await fhir.UpdateAsync(flag, versionAware: true);
        Assert.Equal(Flag.FlagStatus.Inactive, acknowledged!.Status);
        Assert.NotNull((await db.RiskAlerts.AsNoTracking().SingleAsync(a => a.Id == alertId)).AcknowledgedAt);
    }

    [Fact]
    public async Task CoupleMember_CannotReadOrPostForTheirPartner_AndTheirEverythingHoldsNothingOfThePartner()
    {
        var me = await App.ClientIdAsync("client11@harbour.example");
        var partner = await App.ClientIdAsync("client12@harbour.example");
        var fhir = await App.FhirClientAsync("client11@harbour.example");
        var phq9 = await Phq9Async(fhir);
        var before = await CountResponsesAsync(partner);

        var read = await Assert.ThrowsAsync<FhirOperationException>(() => fhir.ReadAsync<Patient>($"Patient/{partner}"));
        var post = await Assert.ThrowsAsync<FhirOperationException>(() => fhir.CreateAsync(FhirSupport.Phq9(phq9, partner, 1, 1, 1, 1, 1, 1, 1, 1, 0)));
        using var http = await App.SignedInAsync("client11@harbour.example");
        var everything = await http.GetStringAsync(new Uri($"/fhir/Patient/{me}/$everything", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, read.Status);
        Assert.Equal(HttpStatusCode.NotFound, post.Status);
        Assert.Equal(before, await CountResponsesAsync(partner));
        Assert.Contains(me.ToString(), everything, StringComparison.Ordinal);
        Assert.Contains("\"QuestionnaireResponse\"", everything, StringComparison.Ordinal);
        Assert.DoesNotContain(partner.ToString(), everything, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Paging_FollowsNextLinks_WithoutRepeatsOrGaps_WhileResponsesAreAdded()
    {
        var patient = await App.ClientIdAsync("client3@harbour.example");
        var fhir = await App.FhirClientAsync("therapist1@harbour.example");
        var phq9 = await Phq9Async(fhir);
        var query = new[] { $"patient={patient}", "_count=4" };
        var everything = new List<string>();
        for (var page = await fhir.SearchAsync<QuestionnaireResponse>(query); page is not null; page = await fhir.ContinueAsync(page))
        {
            everything.AddRange(page.Entry.Select(e => e.Resource.Id));
        }

        var seen = new List<string>();
        var first = await fhir.SearchAsync<QuestionnaireResponse>(query);
        Assert.StartsWith("http://", first!.NextLink!.OriginalString, StringComparison.Ordinal);
        for (var page = first; page is not null; page = await fhir.ContinueAsync(page))
        {
            seen.AddRange(page.Entry.Select(e => e.Resource.Id));
            await fhir.CreateAsync(FhirSupport.Phq9(phq9, patient, 1, 0, 1, 0, 1, 0, 1, 0, 0));
        }

        Assert.True(everything.Count > 4);
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.All(everything, id => Assert.Contains(id, seen));
    }

    [Fact]
    public async Task EveryDeclaredSearchParameter_IsApplied_AndAnUndeclaredOne_IsReportedInAnOutcomeEntry()
    {
        using var http = await App.SignedInAsync("therapist1@harbour.example");
        var metadata = await http.GetFromJsonAsync<JsonElement>("/fhir/metadata");
        var sample = new Dictionary<string, string> { ["token"] = "x", ["reference"] = "Patient/x", ["date"] = "ge2020", ["string"] = "a", ["quantity"] = "ge1", ["uri"] = "http://x" };
        var checkedParameters = 0;
        foreach (var resource in metadata.GetProperty("rest")[0].GetProperty("resource").EnumerateArray())
        {
            var type = resource.GetProperty("type").GetString();
            if (!resource.TryGetProperty("searchParam", out var parameters))
            {
                continue;
            }

            foreach (var parameter in parameters.EnumerateArray())
            {
                var bundle = await http.GetFromJsonAsync<JsonElement>($"/fhir/{type}?{parameter.GetProperty("name").GetString()}={Uri.EscapeDataString(sample[parameter.GetProperty("type").GetString()!])}");
                Assert.DoesNotContain(Entries(bundle), e => e.GetProperty("search").GetProperty("mode").GetString() == "outcome");
                checkedParameters++;
            }
        }

        var unknown = await http.GetFromJsonAsync<JsonElement>("/fhir/Observation?colour=blue");
        Assert.True(checkedParameters >= 20);
        var outcome = Assert.Single(Entries(unknown), e => e.GetProperty("search").GetProperty("mode").GetString() == "outcome");
        Assert.Contains("colour", outcome.GetProperty("resource").GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryResourceTypeEmittedForTheDemoPractice_PassesTheValidatorOffline()
    {
        var patient = await App.ClientIdAsync("client1@harbour.example");
        var fhir = await App.FhirClientAsync("therapist1@harbour.example");
        var resources = new List<Resource>();
        var metadata = await fhir.CapabilityStatementAsync();
        resources.Add(metadata!);
        foreach (var type in new[] { "Patient", "CareTeam", "Encounter", "QuestionnaireResponse", "Observation", "Flag", "Consent" })
        {
            var bundle = await fhir.SearchAsync(type, [$"{(type == "Patient" ? "_id" : "patient")}={patient}", "_count=100"]);
            resources.AddRange(bundle!.Entry.Select(e => e.Resource));
        }

        resources.AddRange((await fhir.SearchAsync<Questionnaire>([]))!.Entry.Select(e => e.Resource));
        var staff = await App.SignedInAsync("therapist1@harbour.example");
        var me = await staff.GetFromJsonAsync<JsonElement>("/api/me");
        resources.Add((await fhir.ReadAsync<Practitioner>($"Practitioner/{me.GetProperty("staffMemberId").GetGuid()}"))!);
        resources.Add((await fhir.ReadAsync<PractitionerRole>($"PractitionerRole/{me.GetProperty("staffMemberId").GetGuid()}"))!);
        resources.Add((await fhir.ReadAsync<Organization>($"Organization/{me.GetProperty("practiceId").GetGuid()}"))!);
        var client = await App.FhirClientAsync("client1@harbour.example");
        var everything = await client.SearchAsync<AuditEvent>([]);
        resources.Add(everything!);
        resources.AddRange(everything!.Entry.Select(e => e.Resource));

        var types = resources.Select(r => r.TypeName).ToHashSet();
        Assert.Superset(new HashSet<string> { "CapabilityStatement", "Patient", "CareTeam", "Encounter", "Questionnaire", "QuestionnaireResponse", "Observation", "Practitioner", "PractitionerRole", "Organization", "AuditEvent", "Bundle" }, types);
        var errors = resources.SelectMany(FhirValidation.Errors).Distinct().Take(30).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    [Fact]
    public async Task MyRecordPage_OffersTheFhirBundle_WhichDownloadsWithTheBrowserSignIn()
    {
        var me = await App.ClientIdAsync("client2@harbour.example");
        using var browser = await App.SignedInWithCookieAsync("client2@harbour.example");

        var page = await browser.GetStringAsync(new Uri("/me/record", UriKind.Relative));
        using var download = await browser.GetAsync(new Uri("/fhir/Patient/$everything", UriKind.Relative));
        var bundle = await download.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Contains("href=\"fhir/Patient/$everything\"", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("Bundle", bundle.GetProperty("resourceType").GetString());
        Assert.Contains(Entries(bundle), e => e.GetProperty("resource").GetProperty("resourceType").GetString() == "Patient"
            && e.GetProperty("resource").GetProperty("id").GetString() == me.ToString());
    }

    private static IEnumerable<JsonElement> Entries(JsonElement bundle) =>
        bundle.TryGetProperty("entry", out var entries) ? entries.EnumerateArray() : [];

    private async Task<int> CountResponsesAsync(Guid client)
    {
        await using var db = App.SystemDb();
        return await db.MeasureResponses.CountAsync(r => r.ClientId == client);
    }
}
