using Microsoft.Playwright;
using Rapport.Web.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Rapport.Web.Tests.Browser;

/// <summary>My progress on a phone and a desktop, and the therapist's printable report: readable, accessible, kept as screenshots.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ProgressTests(BrowserFixture browser)
{
    [Fact]
    public async Task Client_WithHistory_OpensMyProgressOnAPhone_AndSeesTheirChartsExplained()
    {
        var page = await browser.NewPageAsync(BrowserFixture.Phone);
        await BrowserFixture.SignInAsync(page, Personas.Client2);
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/me$"));

        await page.GetByRole(AriaRole.Link, new() { Name = "See my progress" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "My progress", Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Img, new() { Name = "PHQ-9 score at each check-in", Exact = true }).First).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Img, new() { Name = "How your sessions went for you (Session Check, out of 40)", Exact = true }).First).ToBeVisibleAsync();
        await Expect(page.Locator(".timeline-episode")).ToHaveCountAsync(2);
        Assert.Empty(await BrowserFixture.AccessibilityViolationsAsync(page));
        await BrowserFixture.ScreenshotAsync(page, "my-progress-phone");

        // The table alternative opens with the keyboard and gives the same numbers.
        var summary = page.Locator("summary", new() { HasText = "PHQ-9 numbers as a table" }).First;
        await summary.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "PHQ-9 score at each check-in, with the usual range" }).First).ToBeVisibleAsync();
        Assert.Empty(await BrowserFixture.AccessibilityViolationsAsync(page));
    }

    [Fact]
    public async Task Client_OpensMyProgressOnADesktop_WithoutAccessibilityViolations()
    {
        var page = await browser.NewPageAsync(BrowserFixture.Desktop);
        await BrowserFixture.SignInAsync(page, Personas.Client11);
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/me$"));

        await page.GotoAsync("/me/progress");

        await Expect(page.GetByText("Only your own answers are shown here").First).ToBeVisibleAsync();
        Assert.Empty(await BrowserFixture.AccessibilityViolationsAsync(page));
        await BrowserFixture.ScreenshotAsync(page, "my-progress-desktop");
    }

    [Fact]
    public async Task Therapist_OpensThePrintableReport_WhichPrintsWithoutNavigation()
    {
        var id = await browser.App.ClientIdAsync(Personas.Client2);
        var page = await browser.NewPageAsync(BrowserFixture.Desktop);
        await BrowserFixture.SignInAsync(page, Personas.Therapist1);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your caseload" })).ToBeVisibleAsync();

        await page.GotoAsync($"/clients/{id}");
        await page.GetByRole(AriaRole.Link, new() { Name = "Printable progress report" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Progress report:" })).ToBeVisibleAsync();
        Assert.Empty(await BrowserFixture.AccessibilityViolationsAsync(page));
        await BrowserFixture.ScreenshotAsync(page, "progress-report-desktop");

        await page.EmulateMediaAsync(new() { Media = Media.Print });
        // Printed: no navigation, no instructions, and every chart's table open.
        await Expect(page.Locator(".site-header")).ToBeHiddenAsync();
        await Expect(page.Locator(".no-print")).ToBeHiddenAsync();
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "PHQ-9 score at each check-in, with the expected band" }).First).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Therapist_OpensTheClientPageOnAPhone_WithChartsTimelineAndItems_WithoutAccessibilityViolations()
    {
        var id = await browser.App.ClientIdAsync(Personas.Client2);
        var page = await browser.NewPageAsync(BrowserFixture.Phone);
        await BrowserFixture.SignInAsync(page, Personas.Therapist1);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your caseload" })).ToBeVisibleAsync();

        await page.GotoAsync($"/clients/{id}");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Timeline" })).ToBeVisibleAsync();
        await page.Locator("summary", new() { HasText = "PHQ-9 item answers" }).First.ClickAsync();

        await Expect(page.GetByText("(risk item)").First).ToBeVisibleAsync();
        Assert.Empty(await BrowserFixture.AccessibilityViolationsAsync(page));
        await BrowserFixture.ScreenshotAsync(page, "client-record-progress-phone");
    }
}
