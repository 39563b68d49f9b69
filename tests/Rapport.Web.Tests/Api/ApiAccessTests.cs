using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Rapport.Web.Tests.Support;

namespace Rapport.Web.Tests.Api;

/// <summary>The relationship rules as an API user meets them: 404 and no data where there is no care relationship.</summary>
public sealed class ApiAccessTests(SharedApp shared) : IClassFixture<SharedApp>
{
    private RapportApp App => shared.App;

    [Fact]
    public async Task Therapist_GetsTheirOwnCaseload()
    {
        using var client = await App.SignedInAsync(Personas.Therapist1);

        var caseload = await client.GetFromJsonAsync<JsonElement>("/api/caseload");

        Assert.Equal(12, caseload.EnumerateArray().Select(r => r.GetProperty("clientId").GetGuid()).Distinct().Count());
    }

    [Theory]
    [InlineData(Personas.NorthsideClient1)]
    [InlineData(Personas.Client13)]
    public async Task Therapist_GetsNotFoundAndNoData_ForAClientTheyDoNotTreat(string email)
    {
        var id = await App.ClientIdAsync(email);
        using var client = await App.SignedInAsync(Personas.Therapist1);

        using var response = await client.GetAsync(new Uri($"/api/clients/{id}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain(id.ToString(), await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Therapist_GetsTheRecordOfTheirOwnClient()
    {
        var id = await App.ClientIdAsync(Personas.Client1);
        using var client = await App.SignedInAsync(Personas.Therapist1);

        var record = await client.GetFromJsonAsync<JsonElement>($"/api/clients/{id}");

        Assert.Equal(id, record.GetProperty("id").GetGuid());
        Assert.NotEmpty(record.GetProperty("episodes")[0].GetProperty("scores").EnumerateArray());
    }

    [Fact]
    public async Task PracticeAdmin_GetsNoClinicalRecord()
    {
        var id = await App.ClientIdAsync(Personas.Client1);
        using var client = await App.SignedInAsync(Personas.HarbourAdmin);

        using var response = await client.GetAsync(new Uri($"/api/clients/{id}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task CoupleMember_GetsOnlyTheirOwnScores_AndNotTheirPartnersRecord()
    {
        var partner = await App.ClientIdAsync(Personas.Client12);
        using var client = await App.SignedInAsync(Personas.Client11);

        var care = await client.GetFromJsonAsync<JsonElement>("/api/my/care");
        using var partnerRecord = await client.GetAsync(new Uri($"/api/clients/{partner}", UriKind.Relative));

        var couple = care.GetProperty("episodes").EnumerateArray().Single(e => e.GetProperty("format").GetString() == "Couple");
        var myScores = couple.GetProperty("myScores").GetArrayLength();
        await using var db = App.SystemDb();
        var me = await App.ClientIdAsync(Personas.Client11);
        Assert.Equal(db.MeasureResponses.Count(r => r.ClientId == me), myScores);
        Assert.Equal(HttpStatusCode.Forbidden, partnerRecord.StatusCode);
        Assert.DoesNotContain(partner.ToString(), care.GetRawText(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task CoupleMember_Export_HoldsAllTheirOwnAnswers_AndNothingOfTheirPartner()
    {
        var me = await App.ClientIdAsync(Personas.Client11);
        var partner = await App.ClientIdAsync(Personas.Client12);
        string partnerName;
        int myAnswers;
        await using (var db = App.SystemDb())
        {
            partnerName = db.Clients.Single(c => c.Id == partner).DisplayName;
            myAnswers = db.MeasureResponses.Count(r => r.ClientId == me);
        }

        using var client = await App.SignedInAsync(Personas.Client11);
        using var response = await client.GetAsync(new Uri("/api/my/export/download", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        using var export = JsonDocument.Parse(text);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(myAnswers, export.RootElement.GetProperty("episodes").EnumerateArray().Sum(e => e.GetProperty("answers").GetArrayLength()));
        Assert.DoesNotContain(partnerName, text, StringComparison.Ordinal);
        Assert.DoesNotContain(partner.ToString(), text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Anonymous_GetsUnauthorized_NotARedirect()
    {
        using var client = App.Anonymous();

        using var response = await client.GetAsync(new Uri("/api/caseload", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task OpenRegistration_DoesNotExist()
    {
        using var client = App.Anonymous();

        using var response = await client.PostAsJsonAsync("/api/identity/register", new { email = "new@example.org", password = "a perfectly fine passphrase" });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        await using var db = App.SystemDb();
        Assert.False(db.Users.Any(u => u.NormalizedEmail == "NEW@EXAMPLE.ORG"));
    }

    [Fact]
    public async Task WrongPassword_IsRefused()
    {
        using var client = App.Anonymous();

        using var response = await client.PostAsJsonAsync("/api/identity/login", new { email = Personas.Therapist2, password = "not the password at all" });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Health_LiveAndReady_AnswerWithoutSignIn()
    {
        using var client = App.Anonymous();

        Assert.Equal("Healthy", await client.GetStringAsync(new Uri("/health/live", UriKind.Relative)));
        Assert.Equal("Healthy", await client.GetStringAsync(new Uri("/health/ready", UriKind.Relative)));
    }
}

/// <summary>One app per test class: start-up (migrations, demo data) is paid once.</summary>
public sealed class SharedApp : IDisposable
{
    public RapportApp App { get; } = new();

    public void Dispose() => App.Dispose();
}
