using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Rapport.Web.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Rapport.Web.Tests.Browser;

/// <summary>
/// Issue 14's insights as a person sees them in the browser, with axe: every figure with its n and interval, the
/// therapist below the minimum, the funnel plot beside its table, the CSV the browser downloads holding the page's
/// figures, and a practice admin who sees insights but no client. (Pages/InsightsPageTests checks the same markup
/// over HTTP; here it is what is rendered and accessible.)
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class InsightsTests(BrowserFixture browser)
{
    // Sections whose rows are estimates: each carries an interval when shown, and a reason when hidden.
    private static readonly string[] Estimates = ["Outcomes", "Case-mix (intake PHQ-9)", "Funnel: reliable improvement", "Measures in this practice", "Alliance and outcome", "By quarter"];

    private sealed record Row(string Section, string Who, string Figure, string Value, string Interval, string N, string Note)
    {
        public override string ToString() => string.Join('|', Section, Who, Figure, Value, Interval, N, Note);
    }

    private static async Task<List<Row>> RowsOnThePageAsync(IPage page)
    {
        var cells = await page.EvaluateAsync<string[][]>(
            """
            () => [...document.querySelectorAll('table[data-insights-table] tbody tr')]
              .map(tr => [tr.dataset.section, ...[...tr.cells].map(c => c.textContent.trim())])
            """);
        return [.. cells.Select(c => new Row(c[0], c[1], c[2], c[3], c[4], c[5], c[6]))];
    }

    [Fact]
    public async Task Supervisor_SeesEveryFigureWithNAndInterval_TheTherapistBelowTheMinimum_TheFunnelWithItsTable_AndDownloadsThoseFigures()
    {
        var supervisor = await browser.NewPageAsync(BrowserFixture.Desktop);
        await BrowserFixture.SignInAsync(supervisor, Personas.Supervisor);
        await supervisor.GotoAsync("/insights");
        await Expect(supervisor.GetByRole(AriaRole.Heading, new() { Name = "Practice insights" })).ToBeVisibleAsync();
        Assert.Empty(await BrowserFixture.AccessibilityViolationsAsync(supervisor));
        await BrowserFixture.ScreenshotAsync(supervisor, "insights-supervisor-desktop");

        var rows = await RowsOnThePageAsync(supervisor);
        var estimates = rows.Where(r => Estimates.Contains(r.Section)).ToList();
        Assert.NotEmpty(estimates);
        Assert.Contains(estimates, r => r.Value != "not shown");
        Assert.All(estimates, r =>
        {
            Assert.Matches(@"^\d+$", r.N);
            if (r.Value == "not shown")
            {
                Assert.Equal("", r.Interval);
                Assert.NotEqual("", r.Note);
            }
            else
            {
                Assert.Matches(@" to .*\(95 % ", r.Interval);
            }
        });

        // Tom Lindqvist (therapist3) finished 4 courses: no figure of his is shown, each says why (drop-out counts
        // ended courses, the outcome figures finished ones).
        var tom = rows.Where(r => r.Who == "Tom Lindqvist" && r.Section == "Outcomes").ToList();
        Assert.NotEmpty(tom);
        Assert.All(tom, r =>
        {
            Assert.Equal("not shown", r.Value);
            Assert.StartsWith("not enough ", r.Note, StringComparison.Ordinal);
        });
        await Expect(supervisor.Locator("#outcomes-tomlindqvist tbody tr", new() { HasText = "Reliable improvement" }))
            .ToContainTextAsync("not enough finished episodes (n = 4; at least 10 needed)");

        // The funnel: a drawing with a text alternative, one point per therapist with a figure, and the same in a table.
        var plot = supervisor.Locator("figure.chart svg.chart-svg[role='img']");
        await Expect(plot).ToBeVisibleAsync();
        await Expect(plot.Locator("title")).ToContainTextAsync("Funnel plot");
        var table = supervisor.Locator("table#funnel");
        await Expect(table.Locator("caption")).ToContainTextAsync("Funnel plot as a table");
        var funnelRows = rows.Where(r => r.Section.StartsWith("Funnel", StringComparison.Ordinal) && r.Who != "The practice (target)").ToList();
        await Expect(supervisor.Locator(".funnel-point")).ToHaveCountAsync(funnelRows.Count(r => r.Value != "not shown"));
        Assert.Contains(funnelRows, r => r.Who == "Tom Lindqvist" && r.Value == "not shown");
        Assert.All(funnelRows.Where(r => r.Value != "not shown"), r => Assert.Contains("limit", r.Note, StringComparison.Ordinal));

        // The CSV the browser downloads holds exactly the rows on the page.
        var download = await supervisor.RunAndWaitForDownloadAsync(() =>
            supervisor.GetByRole(AriaRole.Link, new() { Name = "Download these figures (CSV)" }).ClickAsync());
        Assert.EndsWith(".csv", download.SuggestedFilename, StringComparison.Ordinal);
        var csv = await File.ReadAllTextAsync(await download.PathAsync(), Encoding.UTF8);
        var lines = Csv(csv);
        Assert.Equal(["section", "who", "figure", "value", "interval", "n", "note"], lines[0]);
        var downloaded = lines.Skip(1).Select(f => new Row(f[0], f[1], f[2], f[3], f[4], f[5], f[6]).ToString()).Order(StringComparer.Ordinal);
        Assert.Equal(rows.Select(r => r.ToString()).Order(StringComparer.Ordinal), downloaded);
    }

    [Fact]
    public async Task TheTherapistBelowTheMinimum_SeesTheReasonForTheirOwnFigures_AndNoColleagueByName()
    {
        var therapist = await browser.NewPageAsync(BrowserFixture.Phone);
        await BrowserFixture.SignInAsync(therapist, Personas.Therapist3);
        await therapist.GotoAsync("/insights");
        await Expect(therapist.GetByRole(AriaRole.Heading, new() { Name = "You (Tom Lindqvist)" })).ToBeVisibleAsync();
        await Expect(therapist.Locator("#outcomes-youtomlindqvist tbody tr", new() { HasText = "Reliable improvement" }))
            .ToContainTextAsync("not enough finished episodes");
        Assert.Empty(await BrowserFixture.AccessibilityViolationsAsync(therapist));

        var text = await therapist.Locator("main").InnerTextAsync();
        await using var db = browser.App.SystemDb();
        var colleagues = await db.StaffMembers.Where(s => s.DisplayName != "Tom Lindqvist").Select(s => s.DisplayName).ToListAsync();
        Assert.NotEmpty(colleagues);
        Assert.All(colleagues, name => Assert.DoesNotContain(name, text, StringComparison.Ordinal));
    }

    [Fact]
    public async Task PracticeAdmin_OpensInsights_SeesNoClient_AndCannotOpenAClientsPage()
    {
        var admin = await browser.NewPageAsync(BrowserFixture.Desktop);
        await BrowserFixture.SignInAsync(admin, Personas.HarbourAdmin);
        await admin.GotoAsync("/insights");
        await Expect(admin.Locator("table#funnel")).ToBeVisibleAsync();
        Assert.Empty(await BrowserFixture.AccessibilityViolationsAsync(admin));

        var html = await admin.ContentAsync();
        var text = await admin.Locator("body").InnerTextAsync();
        await using (var db = browser.App.SystemDb())
        {
            var clients = await db.Clients.Select(c => new { c.Id, c.DisplayName }).ToListAsync();
            Assert.NotEmpty(clients);
            Assert.All(clients, c =>
            {
                Assert.DoesNotContain(c.DisplayName, text, StringComparison.Ordinal);
                Assert.DoesNotContain(c.Id.ToString(), html, StringComparison.OrdinalIgnoreCase);
            });
        }

        await Expect(admin.Locator("a[href*='clients/']")).ToHaveCountAsync(0);

        var client1 = await browser.App.ClientIdAsync(Personas.Client1);
        string name;
        await using (var db = browser.App.SystemDb())
        {
            name = await db.Clients.Where(c => c.Id == client1).Select(c => c.DisplayName).SingleAsync();
        }

        var page = await admin.GotoAsync($"/clients/{client1}");
        Assert.NotNull(page);
        Assert.True(page.Status is 403 or 404, $"the client's page answered {page.Status} to the practice admin");
        Assert.DoesNotContain(name, await admin.ContentAsync(), StringComparison.Ordinal);

        // The same record over the API, with the admin's sign-in cookie.
        var api = await admin.APIRequest.GetAsync($"/api/clients/{client1}");
        Assert.True(api.Status is 403 or 404, $"the client's record answered {api.Status} to the practice admin");
        Assert.DoesNotContain(name, await api.TextAsync(), StringComparison.Ordinal);
    }

    // RFC 4180: fields split on commas outside quotes, "" inside quotes is one quote.
    private static List<string[]> Csv(string text)
    {
        var records = new List<string[]>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') { quoted = false; }
                else { field.Append(c); }
            }
            else if (c == '"') { quoted = true; }
            else if (c == ',') { fields.Add(field.ToString()); field.Clear(); }
            else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                fields.Add(field.ToString());
                field.Clear();
                records.Add([.. fields]);
                fields.Clear();
                i++;
            }
            else { field.Append(c); }
        }

        return records;
    }
}
