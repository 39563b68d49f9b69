using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Rapport.Web.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Rapport.Web.Tests.Browser;

/// <summary>The practice admin sets insights' minimum n, the testimonial gap and never-invite from the admin pages.</summary>
[Collection(BrowserCollection.Name)]
public sealed class OutcomeSharingSettingsTests(BrowserFixture browser)
{
    [Fact]
    public async Task Admin_IsToldInPlainWordsWhyAMinimumBelowFiveIsRefused_ThenSavesTheSettings()
    {
        var page = await browser.NewPageAsync(BrowserFixture.Phone);
        await BrowserFixture.SignInAsync(page, Personas.HarbourAdmin);
        await page.GotoAsync("/admin");
        await page.GetByRole(AriaRole.Link, new() { Name = "Insights and testimonials" }).ClickAsync();
        await Expect(page.GetByLabel("Fewest finished episodes a figure is shown for")).ToHaveValueAsync("10");
        await Expect(page.GetByLabel("Months after therapy ends before a former client may be invited")).ToHaveValueAsync("3");
        await Expect(page.GetByLabel("Never invite anyone to share a testimonial")).Not.ToBeCheckedAsync();
        Assert.Empty(await BrowserFixture.AccessibilityViolationsAsync(page));

        try
        {
            await page.GetByLabel("Fewest finished episodes a figure is shown for").FillAsync("4");
            await page.GetByRole(AriaRole.Button, new() { Name = "Save insights and testimonial settings" }).ClickAsync();
            var error = page.Locator("#InsightsMinimumN-error");
            await Expect(error).ToContainTextAsync("The minimum cannot be lower than 5");
            await Expect(page.GetByLabel("Fewest finished episodes a figure is shown for")).ToHaveAttributeAsync("aria-describedby", "InsightsMinimumN-help InsightsMinimumN-error");
            Assert.Empty(await BrowserFixture.AccessibilityViolationsAsync(page));
            await using (var db = browser.App.SystemDb())
            {
                Assert.Equal(10, await db.Practices.Where(p => p.Slug == "harbour").Select(p => p.InsightsMinimumN).SingleAsync());
            }

            await page.GetByLabel("Fewest finished episodes a figure is shown for").FillAsync("12");
            await page.GetByLabel("Months after therapy ends before a former client may be invited").FillAsync("6");
            await page.GetByLabel("Never invite anyone to share a testimonial").CheckAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Save insights and testimonial settings" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Settings saved.");

            await page.ReloadAsync();
            await Expect(page.GetByLabel("Fewest finished episodes a figure is shown for")).ToHaveValueAsync("12");
            await Expect(page.GetByLabel("Months after therapy ends before a former client may be invited")).ToHaveValueAsync("6");
            await Expect(page.GetByLabel("Never invite anyone to share a testimonial")).ToBeCheckedAsync();
            await BrowserFixture.ScreenshotAsync(page, "admin-insights-and-testimonials-phone");

            await page.GotoAsync("/insights");
            await Expect(page.GetByText("Minimum n for a figure: 12.")).ToBeVisibleAsync();
        }
        finally
        {
            // The browser tests share one app: the demo's defaults back for the others.
            await using var db = browser.App.SystemDb();
            await db.Practices.Where(p => p.Slug == "harbour").ExecuteUpdateAsync(p => p
                .SetProperty(x => x.InsightsMinimumN, 10).SetProperty(x => x.TestimonialGapMonths, 3).SetProperty(x => x.TestimonialsNeverInvite, false));
        }
    }
}
