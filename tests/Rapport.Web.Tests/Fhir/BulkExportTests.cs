using System.Net;
using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Access;
using Rapport.Audit;
using Rapport.Fhir.Export;
using Rapport.Jobs;
using Rapport.Web.Tests.Api;
using Rapport.Web.Tests.Support;
using Task = System.Threading.Tasks.Task;

namespace Rapport.Web.Tests.Fhir;

/// <summary>Bulk Data $export as the Inferno kit checks it, offline, against the seeded demo practice.</summary>
public sealed class BulkExportTests(SharedApp shared) : IClassFixture<SharedApp>
{
    private static readonly JsonSerializerOptions Strict = new JsonSerializerOptions().ForFhir(ModelInfo.ModelInspector);

    private static readonly string[] EveryExportedType =
        ["CareTeam", "Consent", "Encounter", "Flag", "Observation", "Organization", "Patient", "Practitioner", "PractitionerRole", "Questionnaire", "QuestionnaireResponse"];

    private RapportApp App => shared.App;

    internal static async Task<Uri> KickOffAsync(HttpClient http, string query = "")
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/fhir/$export" + query, UriKind.Relative));
        request.Headers.Add("Accept", "application/fhir+json");
        request.Headers.Add("Prefer", "respond-async");
        using var response = await http.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return response.Content.Headers.ContentLocation ?? new Uri(response.Headers.GetValues("Content-Location").Single());
    }

    internal static async Task<JsonElement> ManifestAsync(HttpClient http, Uri status)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            using var response = await http.GetAsync(status);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
                return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
            }

            Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            Assert.NotNull(response.Headers.RetryAfter);
            Assert.True(DateTime.UtcNow < deadline, "The export did not finish in 90 seconds.");
            await Task.Delay(250);
        }
    }

    internal static async Task<List<(string Type, string Line)>> LinesAsync(HttpClient http, JsonElement manifest)
    {
        var lines = new List<(string, string)>();
        foreach (var output in manifest.GetProperty("output").EnumerateArray())
        {
            var url = new Uri(output.GetProperty("url").GetString()!);
            Assert.True(url.IsAbsoluteUri);
            using var file = await http.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, file.StatusCode);
            Assert.Equal("application/fhir+ndjson", file.Content.Headers.ContentType?.MediaType);
            var body = await file.Content.ReadAsStringAsync();
            var fileLines = body.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(output.GetProperty("count").GetInt32(), fileLines.Length);
            lines.AddRange(fileLines.Select(l => (output.GetProperty("type").GetString()!, l)));
        }

        return lines;
    }

    [Fact]
    public async Task DemoPracticeExport_EmitsEveryResourceType_AndEveryLineValidates()
    {
        // The demo data holds no consent yet: client1 gives one, as on their Consents page.
        await using (var scope = App.Services.CreateViewerScope(await App.ViewerForAsync(Personas.Client1)))
        {
            await scope.ServiceProvider.GetRequiredService<Rapport.Consents.ConsentLedger>().GiveAsync(Rapport.Consents.ConsentKind.Measures);
        }

        using var system = await BackendSystem.RegisterAsync(App);
        using var http = await system.ClientAsync(App);

        var status = await KickOffAsync(http);
        var manifest = await ManifestAsync(http, status);
        var lines = await LinesAsync(http, manifest);

        Assert.True(manifest.GetProperty("requiresAccessToken").GetBoolean());
        Assert.EndsWith("/fhir/$export", manifest.GetProperty("request").GetString(), StringComparison.Ordinal);
        Assert.True(DateTimeOffset.TryParse(manifest.GetProperty("transactionTime").GetString(), out _));
        Assert.Empty(manifest.GetProperty("error").EnumerateArray());
        Assert.Equal(EveryExportedType, lines.Select(l => l.Type).Distinct().Order(StringComparer.Ordinal));
        var errors = new List<string>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (type, line) in lines)
        {
            var resource = JsonSerializer.Deserialize<Resource>(line, Strict)!;
            Assert.Equal(type, resource.TypeName);
            Assert.True(ids.Add($"{type}/{resource.Id}"), $"{type}/{resource.Id} is in the export twice");
            errors.AddRange(FhirValidation.Errors(resource));
        }

        Assert.Empty(errors);
        Assert.DoesNotContain(lines, l => l.Line.Contains("northside", StringComparison.OrdinalIgnoreCase));
        await using var db = App.SystemDb();
        var client1 = await App.ClientIdAsync(Personas.Client1);
        var exports = await db.AuditEntries.Where(e => e.Action == AuditAction.Export && e.UserId == AuditEntry.ConnectedSystemUserId(system.Id)).ToListAsync();
        Assert.Contains(exports, e => e.ClientId == client1 || AuditEntriesConcerning.Parse(e.Subjects).Contains(client1));
    }

    [Fact]
    public async Task Files_AreServedOnlyToTheRequester_WithAToken()
    {
        using var system = await BackendSystem.RegisterAsync(App);
        using var other = await BackendSystem.RegisterAsync(App);
        using var http = await system.ClientAsync(App);
        using var otherHttp = await other.ClientAsync(App);
        using var anonymous = App.Anonymous();
        using var therapist = await App.SignedInAsync(Personas.Therapist1);
        var status = await KickOffAsync(http, "?_type=Patient");
        var manifest = await ManifestAsync(http, status);
        var url = new Uri(manifest.GetProperty("output")[0].GetProperty("url").GetString()!);

        using var noToken = await anonymous.GetAsync(url);
        using var otherToken = await otherHttp.GetAsync(url);
        using var otherStatus = await otherHttp.GetAsync(status);
        using var personToken = await therapist.GetAsync(url);

        Assert.Equal(HttpStatusCode.Unauthorized, noToken.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, otherToken.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, otherStatus.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, personToken.StatusCode);
        Assert.DoesNotContain("\"resourceType\":\"Patient\"", await otherToken.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_CancelsTheExport_ThenTheStatusIsNotFound()
    {
        using var system = await BackendSystem.RegisterAsync(App);
        using var http = await system.ClientAsync(App);
        var status = await KickOffAsync(http);
        var manifest = await ManifestAsync(http, status);
        var url = new Uri(manifest.GetProperty("output")[0].GetProperty("url").GetString()!);

        using var cancel = await http.DeleteAsync(status);
        using var after = await http.GetAsync(status);
        using var file = await http.GetAsync(url);

        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, after.StatusCode);
        Assert.Contains("OperationOutcome", await after.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, file.StatusCode);
        await using var db = App.SystemDb();
        Assert.False(await db.ExportFiles.AnyAsync(f => f.ConnectedSystemId == system.Id));
    }

    [Fact]
    public async Task TypeAndSince_NarrowTheExport()
    {
        using var system = await BackendSystem.RegisterAsync(App);
        using var http = await system.ClientAsync(App);

        var patients = await LinesAsync(http, await ManifestAsync(http, await KickOffAsync(http, "?_type=Patient,Flag&_outputFormat=application%2Ffhir%2Bndjson")));
        var future = await LinesAsync(http, await ManifestAsync(http, await KickOffAsync(http, "?_type=Patient&_since=2999-01-01T00:00:00Z&_outputFormat=ndjson")));

        Assert.Equal(["Flag", "Patient"], patients.Select(l => l.Type).Distinct().Order(StringComparer.Ordinal));
        Assert.Empty(future);
    }

    [Theory]
    [InlineData("", false, HttpStatusCode.BadRequest)]
    [InlineData("?_outputFormat=text/csv", true, HttpStatusCode.BadRequest)]
    [InlineData("?_type=Nonsense", true, HttpStatusCode.BadRequest)]
    [InlineData("?_typeFilter=Patient%3Factive%3Dtrue", true, HttpStatusCode.BadRequest)]
    public async Task BadKickOff_IsRefusedWithAnOperationOutcome(string query, bool preferAsync, HttpStatusCode expected)
    {
        using var system = await BackendSystem.RegisterAsync(App);
        using var http = await system.ClientAsync(App);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/fhir/$export" + query, UriKind.Relative));
        if (preferAsync)
        {
            request.Headers.Add("Prefer", "respond-async");
        }

        using var response = await http.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
        Assert.Contains("OperationOutcome", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task KickOff_WithoutAToken_IsUnauthorized_AndAPersonIsRefused()
    {
        using var anonymous = App.Anonymous();
        using var therapist = await App.SignedInAsync(Personas.Therapist1);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/fhir/$export", UriKind.Relative));
        request.Headers.Add("Prefer", "respond-async");
        using var person = new HttpRequestMessage(HttpMethod.Get, new Uri("/fhir/$export", UriKind.Relative));
        person.Headers.Add("Prefer", "respond-async");

        using var none = await anonymous.SendAsync(request);
        using var staff = await therapist.SendAsync(person);

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, staff.StatusCode);
    }

    [Fact]
    public async Task OtherPracticesSystem_ExportsNothingOfThisPractice()
    {
        using var northside = await BackendSystem.RegisterAsync(App, admin: Personas.NorthsideTherapist);
        using var http = await northside.ClientAsync(App);
        var harbourClients = (await App.SystemDb().Clients.Where(c => c.Email!.EndsWith("@harbour.example")).Select(c => c.Id).ToListAsync()).Select(id => id.ToString()).ToList();

        var lines = await LinesAsync(http, await ManifestAsync(http, await KickOffAsync(http)));

        Assert.Contains(lines, l => l.Type == "Patient");
        Assert.DoesNotContain(lines, l => l.Line.Contains("harbour", StringComparison.OrdinalIgnoreCase) || harbourClients.Any(id => l.Line.Contains(id, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task DeidentifiedExport_HasNoNamesIdsOrRealDates_AndStillValidates()
    {
        // Research use needs the client's research consent: client2 gives it, client3 gives it and withdraws it.
        foreach (var (persona, withdraw) in new[] { (Personas.Client2, false), (Personas.Client3, true) })
        {
            await using var scope = App.Services.CreateViewerScope(await App.ViewerForAsync(persona));
            var ledger = scope.ServiceProvider.GetRequiredService<Rapport.Consents.ConsentLedger>();
            await ledger.GiveAsync(Rapport.Consents.ConsentKind.ResearchExport);
            if (withdraw)
            {
                Assert.True(await ledger.WithdrawAsync(Rapport.Consents.ConsentKind.ResearchExport));
            }
        }

        using var system = await BackendSystem.RegisterAsync(App);
        using var http = await system.ClientAsync(App);
        await using var db = App.SystemDb();
        var clients = await db.Clients.Where(c => c.Email!.EndsWith("@harbour.example")).ToListAsync();
        var consenting = await db.Consents.CountAsync(k => k.Kind == Rapport.Consents.ConsentKind.ResearchExport && k.WithdrawnAt == null
            && db.Clients.Any(c => c.Id == k.ClientId && c.Email!.EndsWith("@harbour.example") && !c.ProcessingRestricted && c.ErasedAt == null));

        var lines = await LinesAsync(http, await ManifestAsync(http, await KickOffAsync(http, "?_deidentify=true")));

        Assert.NotEmpty(lines);
        Assert.Equal(consenting, lines.Count(l => l.Type == "Patient"));
        foreach (var client in clients)
        {
            Assert.DoesNotContain(lines, l => l.Line.Contains(client.Id.ToString(), StringComparison.Ordinal)
                || l.Line.Contains(client.DisplayName, StringComparison.Ordinal)
                || (client.Email is { } email && l.Line.Contains(email, StringComparison.OrdinalIgnoreCase))
                || (client.DateOfBirth is { } born && l.Line.Contains(born.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)));
        }

        var resources = lines.Select(l => JsonSerializer.Deserialize<Resource>(l.Line, Strict)!).ToList();
        var patients = resources.OfType<Patient>().ToList();
        Assert.All(patients, p => Assert.True(p.BirthDate is null or { Length: 4 }, p.BirthDate));
        Assert.All(patients, p => Assert.Empty(p.Name));
        // References still join up within the export.
        var patientIds = patients.Select(p => $"Patient/{p.Id}").ToHashSet(StringComparer.Ordinal);
        Assert.All(resources.OfType<Observation>(), o => Assert.True(patientIds.Contains(o.Subject?.Reference ?? ""), o.Subject?.Reference));
        Assert.Empty(resources.SelectMany(FhirValidation.Errors));
    }

    [Fact]
    public async Task ResearchSystem_MayOnlyExport_NeverReadOrSearchIdentifiedRecords()
    {
        using var system = await BackendSystem.RegisterAsync(App, research: true);
        using var http = await system.ClientAsync(App);
        var patient = await App.ClientIdAsync(Personas.Client1);

        using var search = await http.GetAsync(new Uri("/fhir/Patient", UriKind.Relative));
        using var read = await http.GetAsync(new Uri($"/fhir/Patient/{patient}", UriKind.Relative));
        using var metadata = await http.GetAsync(new Uri("/fhir/metadata", UriKind.Relative));
        var status = await KickOffAsync(http);

        Assert.Equal(HttpStatusCode.Forbidden, search.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, read.StatusCode);
        Assert.DoesNotContain(patient.ToString(), await read.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, metadata.StatusCode);
        Assert.NotNull(status);
    }

    [Fact]
    public async Task Lease_IsWonByOneWorker_AndAnExpiredOneIsClaimedAgain()
    {
        using var system = await BackendSystem.RegisterAsync(App);
        await using var db = App.SystemDb();
        var practice = await db.ConnectedSystems.Where(s => s.Id == system.Id).Select(s => s.PracticeId).SingleAsync();
        // A row no worker will run: it is finished, so only the lease itself is under test.
        var job = new ExportJob { PracticeId = practice, ConnectedSystemId = system.Id, RequestUrl = "test", Types = "Patient", Status = ExportStatus.Completed, ExpiresAt = DateTime.UtcNow.AddHours(1) };
        db.ExportJobs.Add(job);
        await db.SaveChangesAsync();
        var now = DateTime.UtcNow;

        var claims = await Task.WhenAll(Enumerable.Range(0, 4).Select(async i =>
        {
            await using var mine = App.SystemDb();
            return await JobLease.TryClaimAsync(mine.ExportJobs, job.Id, $"worker-{i}", now, TimeSpan.FromMinutes(1), default);
        }));
        var later = await JobLease.TryClaimAsync(db.ExportJobs, job.Id, "latecomer", now.AddSeconds(30), TimeSpan.FromMinutes(1), default);
        var afterExpiry = await JobLease.TryClaimAsync(db.ExportJobs, job.Id, "next", now.AddMinutes(2), TimeSpan.FromMinutes(1), default);

        Assert.Equal(1, claims.Count(c => c));
        Assert.False(later);
        Assert.True(afterExpiry);
        Assert.Equal("next", await db.ExportJobs.Where(j => j.Id == job.Id).Select(j => j.LeaseOwner).SingleAsync());
    }

    [Fact]
    public async Task ExportLeftByACrashedWorker_IsResumedAndCompleted_WithoutItsUncommittedFiles()
    {
        using var system = await BackendSystem.RegisterAsync(App);
        using var http = await system.ClientAsync(App);
        await using var db = App.SystemDb();
        var practice = await db.ConnectedSystems.Where(s => s.Id == system.Id).Select(s => s.PracticeId).SingleAsync();
        var job = new ExportJob
        {
            PracticeId = practice, ConnectedSystemId = system.Id, RequestUrl = "http://localhost/fhir/$export?_type=Patient", Types = "Patient",
            Status = ExportStatus.Running, RequestedAt = DateTime.UtcNow, ExpiresAt = DateTime.UtcNow.AddHours(1),
            LeaseOwner = "crashed-instance", LeaseExpiresAt = DateTime.UtcNow.AddMinutes(-1), BatchesDone = 1, Attempts = 1,
        };
        db.ExportJobs.Add(job);
        // What the crashed worker wrote for its next batch without committing the cursor: not part of the output.
        db.ExportFiles.Add(new ExportFile { JobId = job.Id, PracticeId = practice, ConnectedSystemId = system.Id, Type = "Patient", Batch = 1, Count = 1, Content = "{\"resourceType\":\"Patient\",\"id\":\"leftover\"}\n" });
        await db.SaveChangesAsync();

        App.Services.GetRequiredService<ExportSignal>().Raise();
        var manifest = await ManifestAsync(http, new Uri($"http://localhost/fhir/$export-status/{job.Id}"));
        var lines = await LinesAsync(http, manifest);

        Assert.DoesNotContain(lines, l => l.Line.Contains("leftover", StringComparison.Ordinal));
        var harbourClients = await db.Clients.CountAsync(c => c.PracticeId == practice);
        Assert.Equal(harbourClients, lines.Count(l => l.Type == "Patient"));
        Assert.Equal(2, await db.ExportJobs.Where(j => j.Id == job.Id).Select(j => j.Attempts).SingleAsync());
    }
}
