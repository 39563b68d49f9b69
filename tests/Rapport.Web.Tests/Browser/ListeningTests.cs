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

        await therapist.GotoAsync("/listening");
        await Expect(therapist.Locator("table tbody tr")).ToHaveCountAsync(1);
        File.Delete(file);
    }
}
