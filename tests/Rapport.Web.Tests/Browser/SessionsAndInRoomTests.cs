using Microsoft.Playwright;
using Rapport.Web.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Rapport.Web.Tests.Browser;

/// <summary>The therapist records a session, edits the plan and starts an in-room check-in; the client sets reminders.</summary>
[Collection(BrowserCollection.Name)]
public sealed class SessionsAndInRoomTests(BrowserFixture browser)
{
    [Fact]
    public async Task Therapist_RecordsASession_EditsThePlan_AndShowsAQrCode_Accessibly()
    {
        var page = await browser.NewPageAsync(BrowserFixture.Desktop);
        await BrowserFixture.SignInAsync(page, Personas.Therapist1);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your caseload" })).ToBeVisibleAsync();
        await page.Locator("table.table-caseload tbody tr a").First.ClickAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "Book or record a session" }).First.ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Book or record a session" })).ToBeVisibleAsync();
        await page.GetByLabel("Date").FillAsync(DateTime.UtcNow.AddDays(-1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByLabel("Status").SelectOptionAsync("Attended");
        await page.GetByLabel("How").SelectOptionAsync("Video");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save session" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Session saved.");
        Assert.Empty(await BrowserFixture.AccessibilityViolationsAsync(page));
        await BrowserFixture.ScreenshotAsync(page, "record-session-desktop");

        await page.GetByRole(AriaRole.Link, new() { Name = "Back to the client's page" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Measurement plan" }).First.ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Measurement plan" })).ToBeVisibleAsync();
        await Expect(page.GetByText("unavailable to ask").First).ToBeVisibleAsync();
        Assert.Empty(await BrowserFixture.AccessibilityViolationsAsync(page));
        await BrowserFixture.ScreenshotAsync(page, "measurement-plan-desktop");

        await page.GetByRole(AriaRole.Link, new() { Name = "Back to the client's page" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Check-in in the room" }).First.ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Show a QR code" }).First.ClickAsync();
        await Expect(page.Locator("svg.qr-code")).ToBeVisibleAsync();
        Assert.Empty(await BrowserFixture.AccessibilityViolationsAsync(page));
        await BrowserFixture.ScreenshotAsync(page, "in-room-qr-desktop");
    }

    [Fact]
    public async Task HandedOverTablet_ShowsOnlyTheCheckIn_AndHandingBackNeedsTheTherapistsPassword()
    {
        var page = await browser.NewPageAsync(BrowserFixture.Phone);
        await BrowserFixture.SignInAsync(page, Personas.Therapist1);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your caseload" })).ToBeVisibleAsync();
        await page.Locator("table.table-caseload tbody tr a").First.ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Check-in in the room" }).First.ClickAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Hand this device to" }).First.ClickAsync();
        // Straight to this episode's check-in (the member may be in another therapy too).
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/check-in/[0-9a-f-]{36}$"));
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Hand back to your therapist" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Caseload" })).ToHaveCountAsync(0);
        Assert.Empty(await BrowserFixture.AccessibilityViolationsAsync(page));
        await BrowserFixture.ScreenshotAsync(page, "handed-over-check-in-phone");

        await page.GotoAsync("/caseload");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/check-in$"));

        await page.GetByRole(AriaRole.Link, new() { Name = "Hand back to your therapist" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out and hand back" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/Account/Login"));
        await page.GotoAsync("/caseload");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/Account/Login"));
    }

    [Fact]
    public async Task Client_TurnsRemindersOffAndOnAgain_OnAPhone()
    {
        var page = await browser.NewPageAsync(BrowserFixture.Phone);
        await BrowserFixture.SignInAsync(page, Personas.Client5);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Reminders" })).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Turn reminders off" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Reminders are off.");
        Assert.Empty(await BrowserFixture.AccessibilityViolationsAsync(page));
        await page.GetByRole(AriaRole.Button, new() { Name = "Turn reminders on" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Reminders are on.");
    }

    [Fact]
    public async Task Admin_SetsQuietHours_AndSeesTheDefaultPlan()
    {
        var page = await browser.NewPageAsync(BrowserFixture.Desktop);
        await BrowserFixture.SignInAsync(page, Personas.HarbourAdmin);
        await page.GotoAsync("/admin");
        await page.GetByRole(AriaRole.Link, new() { Name = "Check-ins and reminders" }).ClickAsync();

        await page.GetByLabel("From").FillAsync("20:30");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save quiet hours" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Quiet hours saved.");
        await Expect(page.GetByLabel("From")).ToHaveValueAsync("20:30");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Default measurement plan" })).ToBeVisibleAsync();
        Assert.Empty(await BrowserFixture.AccessibilityViolationsAsync(page));
        await BrowserFixture.ScreenshotAsync(page, "admin-check-ins-desktop");
    }
}
