using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Rapport.Web.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Rapport.Web.Tests.Browser;

/// <summary>
/// A client in couple work (client22, with therapist2) who also starts individual work (with therapist3): the check-in
/// asks which therapy it is for, with large targets, accessibly on a phone and a desktop.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class EpisodeChooserTests(BrowserFixture browser)
{
    [Fact]
    public async Task ClientInTwoTherapies_ChoosesWhichTheCheckInIsFor_OnAPhoneAndADesktop()
    {
        Guid couple;
        await using (var system = browser.App.SystemDb())
        {
            (couple, _) = await SecondEpisode.AddAsync(system, Personas.Client22, Personas.Therapist3);
        }

        var desktop = await browser.NewPageAsync(BrowserFixture.Desktop);
        await BrowserFixture.SignInAsync(desktop, Personas.Client22);
        await desktop.GotoAsync("/check-in");
        await Expect(desktop.GetByRole(AriaRole.Heading, new() { Name = "Which therapy is this check-in for?" })).ToBeVisibleAsync();
        Assert.Empty(await BrowserFixture.AccessibilityViolationsAsync(desktop));

        var phone = await browser.NewPageAsync(BrowserFixture.Phone);
        await BrowserFixture.SignInAsync(phone, Personas.Client22);
        await phone.GotoAsync("/check-in");
        var choices = phone.GetByRole(AriaRole.List, new() { Name = "Which therapy is this check-in for?" }).GetByRole(AriaRole.Link);
        await Expect(choices).ToHaveCountAsync(2);
        await Expect(choices.Nth(0)).ToContainTextAsync("Individual work with Tom Lindqvist");
        await Expect(choices.Nth(1)).ToContainTextAsync("Couple work with Priya Nair");
        // Large targets: at least 44 CSS pixels high (WCAG 2.5.5), the full width of the column.
        var box = await choices.Nth(0).BoundingBoxAsync();
        Assert.True(box!.Height >= 44, $"height {box.Height}");
        Assert.Empty(await BrowserFixture.AccessibilityViolationsAsync(phone));
        await BrowserFixture.ScreenshotAsync(phone, "check-in-choose-episode-phone");

        await choices.Filter(new() { HasText = "Couple work" }).ClickAsync();
        await Expect(phone).ToHaveURLAsync(new Regex($"/check-in/{couple}$"));
        await Expect(phone.Locator(".checkin-progress")).ToContainTextAsync("Question 1 of");
    }
}
