using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Rapport.Web.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Rapport.Web.Tests.Browser;

/// <summary>
/// The testimonial walk of issue 14: a current client is never invited; a former client past the gap writes, previews,
/// is warned about a name, consents, sees it published after approval, withdraws it and it is gone from the public page;
/// under the never-invite setting no invitation is created. The public page is visited with JavaScript off.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class TestimonialTests(BrowserFixture browser)
{
    // DemoData.FormerClients: former1 ended about five months ago; former4 about five months ago (both therapist1's).
    private const string FormerClient = "former1@harbour.example";
    private const string AnotherFormerClient = "former4@harbour.example";
    private const string Words = "Sam helped me see that the panic would pass. I take the bus to work again.";

    [Fact]
    public async Task FormerClient_WritesPreviewsIsWarnedConsents_IsPublishedOnApproval_ThenWithdrawsAndItIsGone()
    {
        var current = await browser.NewPageAsync(BrowserFixture.Phone);
        await BrowserFixture.SignInAsync(current, Personas.Client1);
        await current.GotoAsync("/me");
        await Expect(current.GetByRole(AriaRole.Heading, new() { Name = "Your therapy now" })).ToBeVisibleAsync();
        await Expect(current.Locator("#testimonial-invitation")).ToHaveCountAsync(0);
        Assert.Empty(await BrowserFixture.AccessibilityViolationsAsync(current));
        await current.GotoAsync("/me/testimonial");
        await Expect(current.GetByText("you are still in care")).ToBeVisibleAsync();
        await Expect(current.Locator("textarea")).ToHaveCountAsync(0);
        Assert.Empty(await BrowserFixture.AccessibilityViolationsAsync(current));
        var currentId = await browser.App.ClientIdAsync(Personas.Client1);
        await using (var db = browser.App.SystemDb())
        {
            Assert.False(await db.TestimonialInvitations.AnyAsync(i => i.ClientId == currentId));
        }

        var author = await browser.NewPageAsync(BrowserFixture.Phone);
        await BrowserFixture.SignInAsync(author, FormerClient);
        await author.GotoAsync("/me");
        await Expect(author.Locator("#testimonial-invitation")).ToBeVisibleAsync();
        Assert.Empty(await BrowserFixture.AccessibilityViolationsAsync(author));
        await author.Locator("#testimonial-invitation").GetByRole(AriaRole.Link, new() { Name = "Share what helped" }).ClickAsync();
        await author.GetByLabel("What would you like to say?").FillAsync(Words);
        await author.GetByRole(AriaRole.Button, new() { Name = "Preview" }).ClickAsync();
        await Expect(author.Locator("#preview blockquote")).ToHaveTextAsync(Words);
        await Expect(author.Locator("#preview figcaption")).ToContainTextAsync("Shared by a former client, ");
        await Expect(author.Locator("#identifying-details")).ToContainTextAsync("Remove the name \"Sam\"");
        Assert.Empty(await BrowserFixture.AccessibilityViolationsAsync(author));
        await BrowserFixture.ScreenshotAsync(author, "testimonial-preview-phone");

        // Sending without ticking the consent stores nothing and says why.
        await author.GetByRole(AriaRole.Button, new() { Name = "Send for approval" }).ClickAsync();
        await Expect(author.GetByText("Tick the box to agree")).ToBeVisibleAsync();
        Assert.Empty(await BrowserFixture.AccessibilityViolationsAsync(author));
        await author.GetByLabel("I agree that the words I wrote may be shown").CheckAsync();
        await author.GetByRole(AriaRole.Button, new() { Name = "Send for approval" }).ClickAsync();
        await Expect(author.GetByText("waiting for your former therapist to approve it")).ToBeVisibleAsync();
        Assert.Empty(await BrowserFixture.AccessibilityViolationsAsync(author));

        var visitor = await browser.NewPageWithoutScriptAsync(BrowserFixture.Phone);
        await visitor.GotoAsync("/practices/harbour/stories");
        await Expect(visitor.Locator("#no-testimonials")).ToBeVisibleAsync();
        Assert.Empty(await BrowserFixture.AccessibilityViolationsAsync(visitor));

        var therapist = await browser.NewPageAsync(BrowserFixture.Desktop);
        await BrowserFixture.SignInAsync(therapist, Personas.Therapist1);
        await therapist.GotoAsync("/testimonials");
        await Expect(therapist.Locator("blockquote")).ToHaveTextAsync(Words);
        Assert.Empty(await BrowserFixture.AccessibilityViolationsAsync(therapist));
        await therapist.GetByRole(AriaRole.Button, new() { Name = "Approve and publish" }).ClickAsync();
        await Expect(therapist.GetByText("Published.")).ToBeVisibleAsync();
        Assert.Empty(await BrowserFixture.AccessibilityViolationsAsync(therapist));

        await visitor.GotoAsync("/practices/harbour/stories");
        await Expect(visitor.Locator("#testimonials blockquote")).ToHaveTextAsync(Words);
        await Expect(visitor.Locator("#testimonials figcaption")).ToContainTextAsync("Shared by a former client, ");
        await Expect(visitor.Locator("#success-stories li").First).ToContainTextAsync("people finished a course of therapy");
        Assert.Empty(await BrowserFixture.AccessibilityViolationsAsync(visitor));
        await BrowserFixture.ScreenshotAsync(visitor, "stories-without-script-phone");
        var feed = await visitor.APIRequest.GetAsync("/practices/harbour/stories.json");
        Assert.Contains("panic would pass", await feed.TextAsync(), StringComparison.Ordinal);

        await author.GotoAsync("/me/testimonial");
        await Expect(author.GetByText("published on the practice's public page")).ToBeVisibleAsync();
        Assert.Empty(await BrowserFixture.AccessibilityViolationsAsync(author));
        await author.GetByRole(AriaRole.Button, new() { Name = "Withdraw my testimonial" }).ClickAsync();
        await Expect(author.GetByText("Your testimonial was withdrawn")).ToBeVisibleAsync();
        Assert.Empty(await BrowserFixture.AccessibilityViolationsAsync(author));

        await visitor.GotoAsync("/practices/harbour/stories");
        await Expect(visitor.Locator("#no-testimonials")).ToBeVisibleAsync();
        Assert.DoesNotContain("panic would pass", await visitor.ContentAsync(), StringComparison.Ordinal);
        feed = await visitor.APIRequest.GetAsync("/practices/harbour/stories.json");
        Assert.DoesNotContain("panic would pass", await feed.TextAsync(), StringComparison.Ordinal);
        Assert.Empty(await BrowserFixture.AccessibilityViolationsAsync(visitor));
    }

    [Fact]
    public async Task UnderTheNeverInviteSetting_NoInvitationIsCreated_ButTheFormerClientCanStillVolunteer()
    {
        await using (var db = browser.App.SystemDb())
        {
            await db.Practices.Where(p => p.Slug == "harbour").ExecuteUpdateAsync(p => p.SetProperty(x => x.TestimonialsNeverInvite, true));
        }

        try
        {
            var former = await browser.NewPageAsync(BrowserFixture.Phone);
            await BrowserFixture.SignInAsync(former, AnotherFormerClient);
            await former.GotoAsync("/me");
            await Expect(former.GetByRole(AriaRole.Link, new() { Name = "Your testimonial" })).ToBeVisibleAsync();
            await Expect(former.Locator("#testimonial-invitation")).ToHaveCountAsync(0);
            Assert.Empty(await BrowserFixture.AccessibilityViolationsAsync(former));
            await former.GotoAsync("/me/testimonial");
            await Expect(former.GetByLabel("What would you like to say?")).ToBeVisibleAsync();
            Assert.Empty(await BrowserFixture.AccessibilityViolationsAsync(former));

            var clientId = await browser.App.ClientIdAsync(AnotherFormerClient);
            await using var db = browser.App.SystemDb();
            Assert.False(await db.TestimonialInvitations.AnyAsync(i => i.ClientId == clientId));
        }
        finally
        {
            await using var db = browser.App.SystemDb();
            await db.Practices.Where(p => p.Slug == "harbour").ExecuteUpdateAsync(p => p.SetProperty(x => x.TestimonialsNeverInvite, false));
        }
    }
}
