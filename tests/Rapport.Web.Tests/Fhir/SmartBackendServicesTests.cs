using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.Tokens;
using Rapport.Audit;
using Rapport.Web.Tests.Api;
using Rapport.Web.Tests.Support;
using Task = System.Threading.Tasks.Task;

namespace Rapport.Web.Tests.Fhir;

/// <summary>SMART Backend Services as the Inferno kit checks it, offline: the token endpoint, then /fhir as that system.</summary>
public sealed class SmartBackendServicesTests(SharedApp shared) : IClassFixture<SharedApp>
{
    private RapportApp App => shared.App;

    private static Uri TokenUrl(HttpClient http) => new(http.BaseAddress!, "/auth/token");

    [Theory]
    [InlineData("RS384")]
    [InlineData("ES384")]
    public async Task SignedAssertion_GetsAFiveMinuteToken_NamingItsScope(string algorithm)
    {
        using var system = await BackendSystem.RegisterAsync(App, algorithm: algorithm);
        using var http = App.Anonymous();

        using var response = await http.PostAsync(new Uri("/auth/token", UriKind.Relative), BackendSystem.TokenRequest(system.Assertion(TokenUrl(http))));

        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var token = JsonDocument.Parse(body).RootElement;
        Assert.False(string.IsNullOrEmpty(token.GetProperty("access_token").GetString()));
        Assert.Equal("bearer", token.GetProperty("token_type").GetString(), ignoreCase: true);
        Assert.InRange(token.GetProperty("expires_in").GetInt32(), 240, 300);
        Assert.Equal("system/*.read", token.GetProperty("scope").GetString());
    }

    [Fact]
    public async Task ReplayedAssertion_IsRefused()
    {
        using var system = await BackendSystem.RegisterAsync(App);
        using var http = App.Anonymous();
        var assertion = system.Assertion(TokenUrl(http));
        using var first = await http.PostAsync(new Uri("/auth/token", UriKind.Relative), BackendSystem.TokenRequest(assertion));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);

        using var second = await http.PostAsync(new Uri("/auth/token", UriKind.Relative), BackendSystem.TokenRequest(assertion));

        Assert.True(second.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized, second.StatusCode.ToString());
        Assert.DoesNotContain("access_token", await second.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AssertionSignedByAnUnregisteredKey_IsRefused()
    {
        using var system = await BackendSystem.RegisterAsync(App);
        var (stranger, _) = BackendSystem.NewKey(SecurityAlgorithms.RsaSha384, "not-registered");
        using var http = App.Anonymous();

        using var response = await http.PostAsync(new Uri("/auth/token", UriKind.Relative), BackendSystem.TokenRequest(system.Assertion(TokenUrl(http), signWith: stranger)));

        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized, response.StatusCode.ToString());
        Assert.DoesNotContain("access_token", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-2)]
    [InlineData(60)]
    public async Task ExpiredOrTooLongLivedAssertion_IsRefused(int minutes)
    {
        using var system = await BackendSystem.RegisterAsync(App);
        using var http = App.Anonymous();
        var assertion = system.Assertion(TokenUrl(http), lifetime: TimeSpan.FromMinutes(minutes));

        using var response = await http.PostAsync(new Uri("/auth/token", UriKind.Relative), BackendSystem.TokenRequest(assertion));

        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized, response.StatusCode.ToString());
    }

    [Fact]
    public async Task BadGrantType_IsABadRequest()
    {
        using var system = await BackendSystem.RegisterAsync(App);
        using var http = App.Anonymous();

        using var response = await http.PostAsync(new Uri("/auth/token", UriKind.Relative), BackendSystem.TokenRequest(system.Assertion(TokenUrl(http)), grantType: "password"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task ScopeTheSystemWasNotGranted_IsRefused()
    {
        using var system = await BackendSystem.RegisterAsync(App, scopes: "system/Patient.read");
        using var http = App.Anonymous();

        using var response = await http.PostAsync(new Uri("/auth/token", UriKind.Relative), BackendSystem.TokenRequest(system.Assertion(TokenUrl(http)), scope: "system/*.read"));

        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Forbidden, response.StatusCode.ToString());
        Assert.DoesNotContain("access_token", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task System_ReadsItsPractice_AndEveryReadIsAuditedAsThatSystem()
    {
        using var system = await BackendSystem.RegisterAsync(App);
        using var fhir = await system.ClientAsync(App);
        var patient = await App.ClientIdAsync(Personas.Client1);

        using var response = await fhir.GetAsync(new Uri($"/fhir/Patient/{patient}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var db = App.SystemDb();
        var entry = await db.AuditEntries.Where(e => e.ClientId == patient && e.UserId == AuditEntry.ConnectedSystemUserId(system.Id)).SingleAsync();
        Assert.Equal(AuditAction.Read, entry.Action);
        Assert.Equal(AuditEntry.ConnectedSystemRole, entry.ActorRole);
        Assert.StartsWith("Test system", entry.ActorName, StringComparison.Ordinal);
    }

    [Fact]
    public async Task System_SeesNothingOfAnotherPractice()
    {
        using var system = await BackendSystem.RegisterAsync(App);
        using var fhir = await system.ClientAsync(App);
        var northside = await App.ClientIdAsync(Personas.NorthsideClient1);

        using var read = await fhir.GetAsync(new Uri($"/fhir/Patient/{northside}", UriKind.Relative));
        using var search = await fhir.GetAsync(new Uri("/fhir/Patient?_count=100", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        var bundle = await search.Content.ReadAsStringAsync();
        Assert.Contains("\"resourceType\":\"Bundle\"", bundle, StringComparison.Ordinal);
        Assert.DoesNotContain(northside.ToString(), bundle, StringComparison.Ordinal);
        Assert.DoesNotContain("northside", bundle, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task System_CannotWrite()
    {
        using var system = await BackendSystem.RegisterAsync(App);
        using var fhir = await system.ClientAsync(App);
        await using var db = App.SystemDb();
        var alert = await db.RiskAlerts.Where(a => a.AcknowledgedAt == null).Select(a => a.Id).FirstAsync();
        var before = await db.AuditEntries.CountAsync();

        using var post = await fhir.PostAsync(new Uri("/fhir/QuestionnaireResponse", UriKind.Relative), new StringContent("{\"resourceType\":\"QuestionnaireResponse\",\"status\":\"completed\"}", System.Text.Encoding.UTF8, "application/fhir+json"));
        using var put = await fhir.PutAsync(new Uri($"/fhir/Flag/{alert}", UriKind.Relative), new StringContent($"{{\"resourceType\":\"Flag\",\"id\":\"{alert}\",\"status\":\"inactive\"}}", System.Text.Encoding.UTF8, "application/fhir+json"));

        Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, put.StatusCode);
        Assert.Contains("OperationOutcome", await put.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Null(await db.RiskAlerts.Where(a => a.Id == alert).Select(a => a.AcknowledgedAt).SingleAsync());
    }

    [Fact]
    public async Task System_ReadsOnlyTheTypesItsScopesName()
    {
        using var system = await BackendSystem.RegisterAsync(App, scopes: "system/Patient.read");
        using var fhir = await system.ClientAsync(App, scope: "system/Patient.read");

        using var patients = await fhir.GetAsync(new Uri("/fhir/Patient", UriKind.Relative));
        using var observations = await fhir.GetAsync(new Uri("/fhir/Observation", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, patients.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, observations.StatusCode);
    }

    [Fact]
    public async Task RevokedSystem_IsRefusedAtOnce_WithTheTokenItAlreadyHolds()
    {
        using var system = await BackendSystem.RegisterAsync(App);
        using var fhir = await system.ClientAsync(App);
        using var before = await fhir.GetAsync(new Uri("/fhir/Patient?_count=1", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);

        await BackendSystem.RevokeAsync(App, system.Id);

        using var after = await fhir.GetAsync(new Uri("/fhir/Patient?_count=1", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        using var http = App.Anonymous();
        using var token = await http.PostAsync(new Uri("/auth/token", UriKind.Relative), BackendSystem.TokenRequest(system.Assertion(TokenUrl(http))));
        Assert.True(token.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized, token.StatusCode.ToString());
    }

    [Fact]
    public async Task SystemToken_IsNoSignInForThePagesOrTheJsonApi()
    {
        using var system = await BackendSystem.RegisterAsync(App);
        using var fhir = await system.ClientAsync(App);

        using var api = await fhir.GetAsync(new Uri("/api/caseload", UriKind.Relative));

        Assert.True(api.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.NotFound, api.StatusCode.ToString());
    }

    [Fact]
    public async Task UserBearerToken_StillActsAsThatUser()
    {
        using var therapist = await App.SignedInAsync(Personas.Therapist1);
        var other = await App.ClientIdAsync(Personas.Client13);
        var own = await App.ClientIdAsync(Personas.Client1);

        using var ownRead = await therapist.GetAsync(new Uri($"/fhir/Patient/{own}", UriKind.Relative));
        using var otherRead = await therapist.GetAsync(new Uri($"/fhir/Patient/{other}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, ownRead.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, otherRead.StatusCode);
    }

    [Fact]
    public async Task SmartConfiguration_NamesTheTokenEndpointAndAlgorithms()
    {
        using var http = App.Anonymous();

        var config = JsonDocument.Parse(await http.GetStringAsync(new Uri("/.well-known/smart-configuration", UriKind.Relative))).RootElement;

        Assert.Equal(TokenUrl(http).AbsoluteUri, config.GetProperty("token_endpoint").GetString());
        Assert.Contains("private_key_jwt", config.GetProperty("token_endpoint_auth_methods_supported").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["RS384", "ES384"], config.GetProperty("token_endpoint_auth_signing_alg_values_supported").EnumerateArray().Select(e => e.GetString()!));
        Assert.Contains("system/*.read", config.GetProperty("scopes_supported").EnumerateArray().Select(e => e.GetString()));
    }
}
