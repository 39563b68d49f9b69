using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Rapport.Web.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Rapport.Web.Tests.Browser;

/// <summary>The core loop: a client checks in on a phone, a risk answer brings crisis help, the therapist sees it first and acknowledges it.</summary>
[Collection(BrowserCollection.Name)]
public sealed class CheckInTests(BrowserFixture browser)
{
    [Fact]
    public async Task Client_ChecksInOnAPhone_WithARiskAnswer_AndTheTherapistSeesAndAcknowledgesItFirst()
    {
        const string clientEmail = Personas.Client3;
        var phone = await browser.NewPageAsync(BrowserFixture.Phone);
        await BrowserFixture.SignInAsync(phone, clientEmail);
        await Expect(phone).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/me$"));
        await phone.GetByRole(AriaRole.Link, new() { Name = "Start your check-in" }).ClickAsync();

        await Expect(phone.GetByRole(AriaRole.Heading, new() { Name = "Check-in" })).ToBeVisibleAsync();
        await Expect(phone.Locator(".checkin-progress")).ToContainTextAsync("Questionnaire 1 of 2");
        await Expect(phone.Locator(".checkin-progress")).ToContainTextAsync("Question 1 of 9");
        await Expect(phone.GetByText("PHQ-9 Copyright © Pfizer Inc.", new() { Exact = false })).ToBeVisibleAsync();
        Assert.Empty(await BrowserFixture.AccessibilityViolationsAsync(phone));
        await BrowserFixture.ScreenshotAsync(phone, "check-in-phone");

        for (var question = 1; question <= 8; question++)
        {
            await Expect(phone.Locator(".checkin-progress")).ToContainTextAsync($"Question {question} of 9");
            await ChooseAsync(phone, "Several days");
            await phone.GetByRole(AriaRole.Button, new() { Name = "Next" }).ClickAsync();
            if (question == 3)
            {
                // Answers are saved as they go: a reload continues where the client stopped.
                await Expect(phone.Locator(".checkin-progress")).ToContainTextAsync("Question 4 of 9");
                await phone.ReloadAsync();
            }
        }

        await Expect(phone.Locator(".checkin-progress")).ToContainTextAsync("Question 9 of 9");
        await ChooseAsync(phone, "Several days");
        await phone.GetByRole(AriaRole.Button, new() { Name = "Send these answers" }).ClickAsync();

        // Crisis help at once, and the check-in carries on.
        var help = phone.GetByRole(AriaRole.Alert).Filter(new() { HasText = "If you need help now" });
        await Expect(help).ToBeVisibleAsync();
        await Expect(help).ToContainTextAsync("call or text 988");
        await Expect(phone.Locator(".checkin-progress")).ToContainTextAsync("Questionnaire 2 of 2");
        Assert.Empty(await BrowserFixture.AccessibilityViolationsAsync(phone));
        await BrowserFixture.ScreenshotAsync(phone, "check-in-crisis-help-phone");

        for (var question = 1; question <= 7; question++)
        {
            await Expect(phone.Locator(".checkin-progress")).ToContainTextAsync($"Question {question} of 7");
            // Full keyboard use: focus the first answer, choose the next with the arrow key, tab to the button, Enter.
            await phone.Locator("input[type=radio]").First.FocusAsync();
            await phone.Keyboard.PressAsync("ArrowDown");
            await phone.Keyboard.PressAsync("Tab");
            await Expect(phone.GetByRole(AriaRole.Button, new() { Name = question == 7 ? "Send these answers" : "Next" })).ToBeFocusedAsync();
            await phone.Keyboard.PressAsync("Enter");
        }

        await phone.GetByLabel("Before our next session I want you to know…").FillAsync("Work has been very hard this week.");
        Assert.Empty(await BrowserFixture.AccessibilityViolationsAsync(phone));
        await phone.GetByRole(AriaRole.Button, new() { Name = "Finish check-in" }).ClickAsync();
        await Expect(phone.GetByRole(AriaRole.Heading, new() { Name = "Your check-in is complete" })).ToBeVisibleAsync();

        string clientName;
        using (var db = browser.App.SystemDb())
        {
            clientName = await db.Clients.Where(c => c.Email == clientEmail).Select(c => c.DisplayName).SingleAsync();
        }

        var desktop = await browser.NewPageAsync(BrowserFixture.Desktop);
        await BrowserFixture.SignInAsync(desktop, Personas.Therapist1);
        await Expect(desktop.GetByRole(AriaRole.Heading, new() { Name = "Your caseload" })).ToBeVisibleAsync();
        var first = desktop.Locator("table.table-caseload tbody tr").First;
        await Expect(first).ToContainTextAsync(clientName);
        await Expect(first).ToContainTextAsync("Risk: answered 'Several days' to PHQ-9 item 9");
        await Expect(first).ToContainTextAsync("New note from the client");
        Assert.Empty(await BrowserFixture.AccessibilityViolationsAsync(desktop));
        await BrowserFixture.ScreenshotAsync(desktop, "dashboard-desktop");

        await first.GetByRole(AriaRole.Button, new() { Name = $"Acknowledge the risk alert for {clientName}" }).ClickAsync();
        await Expect(desktop.GetByRole(AriaRole.Status)).ToContainTextAsync("Risk alert acknowledged by Sam Okafor");
        var row = desktop.Locator("table.table-caseload tbody tr").Filter(new() { HasText = clientName });
        await Expect(row).ToContainTextAsync("acknowledged by Sam Okafor");
        await Expect(row).Not.ToContainTextAsync("Risk: answered");

        using (var db = browser.App.SystemDb())
        {
            var alert = await db.RiskAlerts.Where(a => a.ClientId == db.Clients.Single(c => c.Email == clientEmail).Id).SingleAsync();
            Assert.Equal("Sam Okafor", alert.AcknowledgedByName);
            Assert.NotNull(alert.AcknowledgedAt);
        }

        Assert.Empty(await BrowserFixture.AccessibilityViolationsAsync(desktop));

        // The note is read on the client's record; once marked read it leaves the dashboard.
        await row.GetByRole(AriaRole.Link, new() { Name = clientName }).ClickAsync();
        await Expect(desktop.GetByText("Work has been very hard this week.")).ToBeVisibleAsync();
        Assert.Empty(await BrowserFixture.AccessibilityViolationsAsync(desktop));
        await desktop.GetByRole(AriaRole.Button, new() { Name = "Mark notes as read" }).ClickAsync();
        await Expect(desktop.GetByRole(AriaRole.Button, new() { Name = "Mark notes as read" })).ToHaveCountAsync(0);
        await desktop.GotoAsync("/caseload");
        await Expect(desktop.Locator("table.table-caseload tbody tr").Filter(new() { HasText = clientName })).Not.ToContainTextAsync("New note");
    }

    [Fact]
    public async Task Dashboard_OnAPhone_HasNoSeriousAccessibilityViolations()
    {
        var page = await browser.NewPageAsync(BrowserFixture.Phone);
        await BrowserFixture.SignInAsync(page, Personas.Therapist2);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your caseload" })).ToBeVisibleAsync();
        Assert.Empty(await BrowserFixture.AccessibilityViolationsAsync(page));
    }

    private static Task ChooseAsync(IPage page, string label) =>
        page.Locator(".choice label", new() { HasText = label }).First.ClickAsync();
}
