using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Rapport.Web.Tests.Api;

namespace Rapport.Web.Tests.Pages;

/// <summary>The insights page for the demo practice: the funnel as SVG with its table, the hidden figure, the CSV, and the admin's view.</summary>
public sealed partial class InsightsPageTests(SharedApp shared) : IClassFixture<SharedApp>
{
    [GeneratedRegex("""<tr data-section="([^"]*)"><td>([^<]*)</td><th scope="row">([^<]*)</th><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td></tr>""")]
    private static partial Regex Row();

    private static List<string> PageRows(string html) =>
        [.. Row().Matches(html).Select(m => string.Join('|', Enumerable.Range(1, 7).Select(i => WebUtility.HtmlDecode(m.Groups[i].Value))))];

    // The CSV's fields in the same order; no field of ours holds a quote, so a quoted field is only unwrapped.
    private static List<string> CsvRows(string csv) =>
        [.. csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(line => string.Join('|', CsvFields().Matches(line).Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value)))];

    [GeneratedRegex("""(?:^|,)(?:"([^"]*)"|([^,]*))""")]
    private static partial Regex CsvFields();

    [Fact]
    public async Task PracticeAdmin_OpensInsights_WithTheFunnelAndItsTable_TheHiddenFigure_AndNoClient()
    {
        using var admin = await shared.App.SignedInWithCookieAsync(Personas.HarbourAdmin);
        var html = await admin.GetStringAsync(new Uri("/insights", UriKind.Relative));

        Assert.Contains("<svg class=\"chart-svg\"", html, StringComparison.Ordinal);
        Assert.Contains("Funnel plot as a table", html, StringComparison.Ordinal);
        Assert.Matches(@"Tom Lindqvist</td><th scope=""row"">Reliable improvement</th><td>not shown</td><td></td><td>\d</td><td>not enough finished episodes \(n = \d; at least 10 needed\)", html);
        Assert.Contains("95 % Wilson interval", html, StringComparison.Ordinal);

        await using var db = shared.App.SystemDb();
        var clients = await db.Clients.Select(c => new { c.Id, c.DisplayName }).ToListAsync();
        Assert.All(clients, c =>
        {
            Assert.DoesNotContain(c.DisplayName, html, StringComparison.Ordinal);
            Assert.DoesNotContain(c.Id.ToString(), html, StringComparison.OrdinalIgnoreCase);
        });
        Assert.DoesNotContain("/clients/", html, StringComparison.Ordinal);

        var client1 = await shared.App.ClientIdAsync(Personas.Client1);
        using var record = await admin.GetAsync(new Uri($"/clients/{client1}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, record.StatusCode);
    }

    [Theory]
    [InlineData(Personas.Supervisor)]
    [InlineData(Personas.Therapist1)]
    [InlineData(Personas.HarbourAdmin)]
    public async Task TheCsv_IsExactlyThePagesRows(string persona)
    {
        using var staff = await shared.App.SignedInWithCookieAsync(persona);
        var html = await staff.GetStringAsync(new Uri("/insights", UriKind.Relative));
        var link = Regex.Match(html, "href=\"(api/insights/csv[^\"]*)\"").Groups[1].Value;
        using var response = await staff.GetAsync(new Uri("/" + WebUtility.HtmlDecode(link), UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/csv", response.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);

        var page = PageRows(html);
        var csv = CsvRows(await response.Content.ReadAsStringAsync());
        Assert.NotEmpty(page);
        Assert.Equal(csv.Order(StringComparer.Ordinal), page.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ABadPeriod_IsAClearErrorOnThePage_And400FromTheApi()
    {
        using var staff = await shared.App.SignedInWithCookieAsync(Personas.Supervisor);
        var html = await staff.GetStringAsync(new Uri("/insights?from=2026-02-30", UriKind.Relative));
        Assert.Contains("The start of the period must be a date", html, StringComparison.Ordinal);
        Assert.DoesNotContain("data-insights-table", html, StringComparison.Ordinal);

        using var api = await shared.App.SignedInAsync(Personas.Supervisor);
        using var response = await api.GetAsync(new Uri("/api/insights?from=2026-06-01&to=2026-01-01", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
