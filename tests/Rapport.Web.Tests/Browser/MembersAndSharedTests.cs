using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Rapport.Web.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Rapport.Web.Tests.Browser;

/// <summary>"What you have shared" on a phone, and the care team's couple and group views on a desktop, each accessible.</summary>
[Collection(BrowserCollection.Name)]
public sealed class MembersAndSharedTests(BrowserFixture browser)
{
    [Fact]
    public async Task Client_OpensWhatTheyHaveShared_FromMyCare_OnAPhone()
    {
        var phone = await browser.NewPageAsync(BrowserFixture.Phone);
        await BrowserFixture.SignInAsync(phone, Personas.Client11);
        await phone.GetByRole(AriaRole.Link, new() { Name = "What you have shared" }).ClickAsync();

        await Expect(phone.GetByRole(AriaRole.Heading, new() { Name = "What you have shared", Level = 1 })).ToBeVisibleAsync();
        await Expect(phone.GetByLabel("In your words").First).ToHaveValueAsync("Argue less in front of the children");
        await Expect(phone.GetByText("What you told us about how you like therapy to feel")).ToBeVisibleAsync();
        await Expect(phone.Locator(".preference-profile li")).ToHaveCountAsync(4);
        Assert.Empty(await BrowserFixture.AccessibilityViolationsAsync(phone));
        await BrowserFixture.ScreenshotAsync(phone, "what-you-have-shared-phone");
    }

    [Theory]
    [InlineData(Personas.Client11, Personas.Therapist1, "couple-view")]
    [InlineData(Personas.Client35, Personas.Therapist2, "group-view")]
    public async Task CareTeam_SeesEveryMemberSideBySide_Accessibly(string memberEmail, string therapistEmail, string screenshot)
    {
        Guid episode;
        int members;
        using (var db = browser.App.SystemDb())
        {
            var client = await db.Clients.Where(c => c.Email == memberEmail).Select(c => c.Id).SingleAsync();
            episode = await db.EpisodeMembers.Where(m => m.ClientId == client && m.Episode!.Format != Rapport.Episodes.EpisodeFormat.Individual).Select(m => m.EpisodeId).SingleAsync();
            members = await db.EpisodeMembers.CountAsync(m => m.EpisodeId == episode);
        }

        foreach (var viewport in new[] { BrowserFixture.Desktop, BrowserFixture.Phone })
        {
            var page = await browser.NewPageAsync(viewport);
            await BrowserFixture.SignInAsync(page, therapistEmail);
            await page.GotoAsync($"/episodes/{episode}");
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Split alliance" })).ToBeVisibleAsync();
            await Expect(page.Locator("table.episode-members tbody tr")).ToHaveCountAsync(members);
            Assert.Empty(await BrowserFixture.AccessibilityViolationsAsync(page));
            if (viewport == BrowserFixture.Desktop)
            {
                await BrowserFixture.ScreenshotAsync(page, screenshot);
            }
        }
    }
}
