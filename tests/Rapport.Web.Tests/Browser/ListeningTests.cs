using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Rapport.Web.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Rapport.Web.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class ListeningTests(BrowserFixture browser)
{
    [Fact]
    public async Task ClientConsents_TherapistUploadsATranscript_AndReadsTheListeningReport()
    {
        var client = await browser.NewPageAsync(BrowserFixture.Phone);
        await BrowserFixture.SignInAsync(client, Personas.Client4);
        await client.GotoAsync("/me/consents");
        await client.Locator("section", new() { HasText = "Session transcripts for listening feedback" }).GetByRole(AriaRole.Button, new() { Name = "I agree" }).ClickAsync();
        await Expect(client.GetByText("You agreed").First).ToBeVisibleAsync();
        Assert.Empty(await BrowserFixture.AccessibilityViolationsAsync(client));

        Guid sessionId;
        var clientId = await browser.App.ClientIdAsync(Personas.Client4);
        await using (var db = browser.App.SystemDb())
        {
            sessionId = await db.Sessions
                .Where(s => s.Status == Rapport.Sessions.SessionStatus.Attended && s.Episode!.Format == Rapport.Episodes.EpisodeFormat.Individual && s.Episode.Members.Any(m => m.ClientId == clientId))
                .OrderBy(s => s.StartsAt).Select(s => s.Id).FirstAsync();
        }

        var therapist = await browser.NewPageAsync(BrowserFixture.Desktop);
        await BrowserFixture.SignInAsync(therapist, Personas.Therapist1);
        await therapist.GotoAsync($"/sessions/{sessionId}/transcript");
        var file = Path.Combine(Path.GetTempPath(), $"session-{Guid.NewGuid():N}.txt");
        await File.WriteAllTextAsync(file,
            "Therapist: What would you like to focus on today?\n"
            + "Client: I've been so anxious and lonely since I moved here.\n"
            + "Therapist: Have you joined any clubs?\n"
            + "Client: No. I feel ashamed that I can't cope.\n"
            + "Therapist: It sounds like you're carrying a lot of shame about struggling on your own.\n"
            + "Client: Yes, exactly.\n"
            + "Therapist: What would help you feel less alone this week?\n");
        await therapist.GetByLabel("Transcript file").SetInputFilesAsync(file);
        await therapist.GetByRole(AriaRole.Button, new() { Name = "Upload and analyse" }).ClickAsync();

        await Expect(therapist.GetByRole(AriaRole.Heading, new() { Name = "How you listened" })).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(therapist.GetByRole(AriaRole.Heading, new() { Name = "Missed moments" })).ToBeVisibleAsync();
        await Expect(therapist.Locator("table.utterances tbody tr")).ToHaveCountAsync(7);
        Assert.Empty(await BrowserFixture.AccessibilityViolationsAsync(therapist));
        await BrowserFixture.ScreenshotAsync(therapist, "listening-report-desktop");

        var reportPath = new Uri(therapist.Url).AbsolutePath.TrimStart('/');
        await therapist.GotoAsync("/listening");
        // The demo's own transcripts are listed too: find this upload's row by its link.
        await Expect(therapist.Locator($"table tbody tr a[href='{reportPath}']")).ToHaveCountAsync(1);
        File.Delete(file);
    }

    [Fact]
    public async Task Therapist1_OnAFreshDemo_SeesAnalysedSessions_AReportWithItsCoderAndClientTalk_AndTheTrend()
    {
        var page = await browser.NewPageAsync(BrowserFixture.Desktop);
        await BrowserFixture.SignInAsync(page, Personas.Therapist1);
        await page.GotoAsync("/listening");

        // The demo's transcripts are queued at start and coded by the background worker: wait until every row is coded.
        var rows = page.Locator("table tbody tr");
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (await rows.Filter(new() { HasText = "analysing" }).CountAsync() > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(1000);
            await page.ReloadAsync();
        }

        Assert.True(await rows.CountAsync() >= Rapport.Demo.DemoTranscripts.Clients.Sum(c => c.Sessions), "every demo transcript is listed");
        Assert.Equal(0, await rows.Filter(new() { HasText = "analysing" }).CountAsync());
        await Expect(page.GetByText("a prompt for reflection, not a grade")).ToBeVisibleAsync();
        Assert.Empty(await BrowserFixture.AccessibilityViolationsAsync(page));
        await BrowserFixture.ScreenshotAsync(page, "listening-trend-desktop");

        // The earliest demo session of client6: the therapist's style then leans on closed questions and advice.
        var clientId = await browser.App.ClientIdAsync(Personas.Client6);
        Guid earliest;
        await using (var db = browser.App.SystemDb())
        {
            earliest = await db.SessionTranscripts
                .Where(t => db.EpisodeMembers.Any(m => m.EpisodeId == t.EpisodeId && m.ClientId == clientId))
                .Join(db.Sessions, t => t.SessionId, x => x.Id, (t, x) => new { t.Id, x.StartsAt })
                .OrderBy(x => x.StartsAt).Select(x => x.Id).FirstAsync();
        }

        await page.Locator($"table tbody tr a[href='transcripts/{earliest}']").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "How you listened" })).ToBeVisibleAsync();
        // The app's default coder (quality: it agrees best with experts, docs/listening.md), which codes client talk too.
        await Expect(page.GetByRole(AriaRole.Note, new() { Name = "How this session was coded" })).ToContainTextAsync("Coded by the quality coder");
        await Expect(page.GetByRole(AriaRole.Note, new() { Name = "How this session was coded" })).ToContainTextAsync("a prompt for reflection, not a grade");
        await Expect(page.GetByRole(AriaRole.Note, new() { Name = "How this session was coded" })).ToContainTextAsync("out of 1");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Client talk and how you answered it" })).ToBeVisibleAsync();
        await Expect(page.Locator("table.client-talk").GetByRole(AriaRole.Rowheader, new() { Name = "Change talk" })).ToBeVisibleAsync();
        await Expect(page.GetByText("Client talk was not coded")).ToHaveCountAsync(0);

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Missed moments" })).ToBeVisibleAsync();
        await Expect(page.Locator("ol.card-list li").First).ToBeVisibleAsync();
        Assert.Empty(await BrowserFixture.AccessibilityViolationsAsync(page));
        await BrowserFixture.ScreenshotAsync(page, "listening-demo-report-desktop");
    }
}
