using Microsoft.Playwright;
using Rapport.Web.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Rapport.Web.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class JourneyTests(BrowserFixture browser)
{
    [Fact]
    public async Task Therapist_SignsIn_AndSeesTheirCaseload()
    {
        var page = await browser.NewPageAsync(BrowserFixture.Desktop);

        await BrowserFixture.SignInAsync(page, Personas.Therapist1);

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your caseload" })).ToBeVisibleAsync();
        await Expect(page.Locator("table.table-caseload tbody tr")).ToHaveCountAsync(12);
        Assert.Empty(await BrowserFixture.AccessibilityViolationsAsync(page));
        await BrowserFixture.ScreenshotAsync(page, "caseload-desktop");

        await page.Locator("table.table-caseload tbody tr a").First.ClickAsync();
        await Expect(page.GetByText("Referral:").First).ToBeVisibleAsync();
        Assert.Empty(await BrowserFixture.AccessibilityViolationsAsync(page));
        await BrowserFixture.ScreenshotAsync(page, "client-record-desktop");
    }

    [Fact]
    public async Task Client_OnAPhone_TheNavigationTakesOneLine()
    {
        var page = await browser.NewPageAsync(BrowserFixture.Phone);

        await BrowserFixture.SignInAsync(page, Personas.Client1);

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your record and your choices" })).ToBeVisibleAsync();
        var brand = (await page.Locator(".site-nav .brand").BoundingBoxAsync())!;
        var links = page.Locator(".site-nav .nav-links > li");
        Assert.True(await links.CountAsync() >= 4);
        foreach (var link in await links.AllAsync())
        {
            var box = (await link.BoundingBoxAsync())!;
            // Every link on the brand's row: their vertical spans overlap.
            Assert.True(box.Y < brand.Y + brand.Height && brand.Y < box.Y + box.Height, $"a link sits on another row ({box.Y} against the brand's {brand.Y})");
        }

        await page.GetByRole(AriaRole.Heading, new() { Name = "Your record and your choices" }).ScrollIntoViewIfNeededAsync();
        await BrowserFixture.ScreenshotAsync(page, "my-care-phone-record-links");
    }

    [Fact]
    public async Task Client_SignsInOnAPhone_AndSeesOnlyTheirOwnPage()
    {
        var page = await browser.NewPageAsync(BrowserFixture.Phone);

        await BrowserFixture.SignInAsync(page, Personas.Client1);

        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/me$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your therapy now" })).ToBeVisibleAsync();
        await Expect(page.GetByText("Sam Okafor").First).ToBeVisibleAsync();
        Assert.Empty(await BrowserFixture.AccessibilityViolationsAsync(page));
        await BrowserFixture.ScreenshotAsync(page, "my-care-phone");

        await page.GotoAsync("/caseload");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "You do not have access to this page" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task SignIn_WithEmptyFields_ShowsAnErrorBesideEachField()
    {
        var page = await browser.NewPageAsync(BrowserFixture.Phone);
        await page.GotoAsync("/Account/Login");
        Assert.Empty(await BrowserFixture.AccessibilityViolationsAsync(page));
        await BrowserFixture.ScreenshotAsync(page, "sign-in-phone");

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();

        await Expect(page.Locator("#email-error")).ToContainTextAsync("Enter your email address.");
        await Expect(page.Locator("#password-error")).ToContainTextAsync("Enter your password.");
    }

    [Fact]
    public async Task Admin_InvitesATherapist_WhoChoosesAPassword_AndSignsIn()
    {
        var admin = await browser.NewPageAsync(BrowserFixture.Desktop);
        await BrowserFixture.SignInAsync(admin, Personas.HarbourAdmin);
        await Expect(admin.GetByRole(AriaRole.Heading, new() { Name = "Harbour Street Counselling" })).ToBeVisibleAsync();
        Assert.Empty(await BrowserFixture.AccessibilityViolationsAsync(admin));

        await admin.GetByLabel("Email").FillAsync("not an email");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Send invitation" }).ClickAsync();
        await Expect(admin.Locator("#DisplayName-error")).ToContainTextAsync("Enter the person's name.");
        await Expect(admin.Locator("#Email-error")).ToContainTextAsync("Enter a valid email address");

        await admin.GetByLabel("Name").FillAsync("Robin Ashdown");
        await admin.GetByLabel("Email").FillAsync("robin@harbour.example");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Send invitation" }).ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Status)).ToContainTextAsync("Invitation sent to robin@harbour.example");
        await BrowserFixture.ScreenshotAsync(admin, "admin-desktop");

        // The Development outbox is the admin's (their practice's mail): the invitee follows the link it holds.
        await admin.GotoAsync("/dev/outbox");
        var link = await admin.Locator("li", new() { HasText = "robin@harbour.example" }).GetByRole(AriaRole.Link).First.GetAttributeAsync("href");
        var invitee = await browser.NewPageAsync(BrowserFixture.Phone);
        // The mail's link is on the configured site (SiteUrl); this test server listens elsewhere, so follow its path.
        await invitee.GotoAsync(new Uri(link!).PathAndQuery);
        await Expect(invitee.GetByRole(AriaRole.Heading, new() { Name = "Choose your password" })).ToBeVisibleAsync();

        await invitee.GetByLabel("Password", new() { Exact = true }).FillAsync("short");
        await invitee.GetByLabel("Type it again").FillAsync("short");
        await invitee.GetByRole(AriaRole.Button, new() { Name = "Create my account" }).ClickAsync();
        await Expect(invitee.Locator("#Password-error")).ToContainTextAsync("at least 15 characters");
        Assert.Empty(await BrowserFixture.AccessibilityViolationsAsync(invitee));

        await invitee.GetByLabel("Password", new() { Exact = true }).FillAsync("harbour lights at dusk");
        await invitee.GetByLabel("Type it again").FillAsync("harbour lights at dusk");
        await invitee.GetByRole(AriaRole.Button, new() { Name = "Create my account" }).ClickAsync();
        await Expect(invitee.GetByRole(AriaRole.Heading, new() { Name = "You are all set" })).ToBeVisibleAsync();

        await BrowserFixture.SignInAsync(invitee, "robin@harbour.example", "harbour lights at dusk");
        await Expect(invitee.GetByRole(AriaRole.Heading, new() { Name = "Your caseload" })).ToBeVisibleAsync();
        await Expect(invitee.GetByText("You have no active clients yet.")).ToBeVisibleAsync();
    }
}
