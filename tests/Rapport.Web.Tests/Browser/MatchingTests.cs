using Microsoft.Playwright;
using Rapport.Web.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Rapport.Web.Tests.Browser;

/// <summary>
/// A prospective client finds a therapist at the demo practice without an account: the intake, the ranked results with
/// their explanations and a therapist's profile page, each checked with axe; then asks to be contacted, is told what
/// consent is needed, consents, and the referral reaches the practice. The same walk runs again with JavaScript off
/// (without axe: Chromium does not run the DevTools evaluation axe needs while script is disabled, and waits instead,
/// which is likely why the testimonial walk's script-off part hangs).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class MatchingTests(BrowserFixture browser)
{
    private async Task<IPage> WithoutScriptAsync(ViewportSize viewport)
    {
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = browser.App.ServerAddress.ToString(),
            JavaScriptEnabled = false,
            Locale = "en-GB",
            ViewportSize = viewport,
        });
        context.SetDefaultTimeout(15_000);
        return await context.NewPageAsync();
    }

    [Fact]
    public async Task Visitor_FindsATherapist_ReadsTheirProfile_AndAsksToBeContactedWithConsent_AllPagesPassAxe() =>
        await WalkAsync(await browser.NewPageAsync(BrowserFixture.Phone), "Robin Axe", checkAccessibility: true);

    [Fact]
    public async Task Visitor_WithoutScript_FindsATherapist_ReadsTheirProfile_AndAsksToBeContactedWithConsent() =>
        await WalkAsync(await WithoutScriptAsync(BrowserFixture.Desktop), "Robin Noscript", checkAccessibility: false);

    private async Task WalkAsync(IPage page, string visitorName, bool checkAccessibility)
    {
        async Task AxeAsync()
        {
            if (checkAccessibility)
            {
                Assert.Empty(await BrowserFixture.AccessibilityViolationsAsync(page));
            }
        }

        // The first page of a cold server (compiling its pages on a shared machine) may take longer than an action's timeout.
        await page.GotoAsync("/practices/harbour/stories", new() { Timeout = 90_000 });
        await page.GetByRole(AriaRole.Link, new() { Name = "Find a therapist at Harbour Street Counselling" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Find a therapist at Harbour Street Counselling" })).ToBeVisibleAsync();
        await AxeAsync();

        await page.GetByLabel("Low mood or depression").CheckAsync();
        await page.GetByLabel("Worry or anxiety").CheckAsync();
        await page.GetByLabel("More therapist directiveness").CheckAsync();
        await page.GetByLabel("In person or video").SelectOptionAsync("video");
        await page.GetByLabel("Weekday mornings").CheckAsync();
        await page.GetByLabel("In your own words").FillAsync("Flat and worried since the winter.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show therapists" }).ClickAsync();

        await Expect(page.Locator("#matches > li")).ToHaveCountAsync(5);
        await Expect(page.Locator("#matches > li").First.Locator("h3")).ToHaveTextAsync("Sam Okafor");
        await Expect(page.Locator("#matches > li").First.Locator(".fits")).ToContainTextAsync("Works with low mood or depression and worry or anxiety.");
        await Expect(page.Locator("#matches > li").First.Locator(".outcome").First).ToContainTextAsync("improved reliably (95 % interval");
        await Expect(page.Locator(".match", new() { HasText = "Priya Nair" }).Locator(".outcome").First).ToContainTextAsync("has not chosen to show their outcomes");
        await AxeAsync();
        await BrowserFixture.ScreenshotAsync(page, checkAccessibility ? "matching-results-phone" : "matching-results-no-script");

        // Asking without the consent box stores nothing and says why; with it, the practice has the referral.
        await page.GetByLabel("Jo Whitfield").CheckAsync();
        await page.GetByLabel("Your name").FillAsync(visitorName);
        await page.GetByLabel("E-mail address or telephone number").FillAsync("robin@example.org");
        await page.GetByRole(AriaRole.Button, new() { Name = "Ask to be contacted" }).ClickAsync();
        await Expect(page.GetByText("Tick the box to agree")).ToBeVisibleAsync();
        await page.GetByLabel("I agree that this practice keeps my name").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Ask to be contacted" }).ClickAsync();
        await Expect(page.Locator("#referral-sent")).ToContainTextAsync("The practice has your details");
        await AxeAsync();

        await page.GotoAsync("/practices/harbour/therapists");
        await page.GetByRole(AriaRole.Link, new() { Name = "Jo Whitfield" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Jo Whitfield", Exact = true })).ToBeVisibleAsync();
        await Expect(page.Locator(".bio")).ToContainTextAsync("integrative counselling");
        await AxeAsync();
        await BrowserFixture.ScreenshotAsync(page, checkAccessibility ? "therapist-profile-phone" : "therapist-profile-no-script");

        await using var db = browser.App.SystemDb();
        Assert.Contains(db.MatchReferrals.AsEnumerable(), r => r.Name == visitorName && r.ConcernsInTheirWords.Contains("since the winter", StringComparison.Ordinal));
    }
}
