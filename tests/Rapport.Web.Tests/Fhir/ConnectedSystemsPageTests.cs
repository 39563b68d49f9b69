using Microsoft.Playwright;
using Rapport.Web.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Rapport.Web.Tests.Fhir;

/// <summary>The practice admin registers a connected system on its page, sees a bad key set refused, and revokes it.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ConnectedSystemsPageTests(BrowserFixture browser)
{
    [Fact]
    public async Task Admin_RegistersASystem_IsToldOfAPrivateKey_AndRevokesIt_Accessibly()
    {
        var page = await browser.NewPageAsync(BrowserFixture.Desktop);
        await BrowserFixture.SignInAsync(page, Personas.HarbourAdmin);
        await page.GotoAsync("/admin");
        await page.GetByRole(AriaRole.Link, new() { Name = "Connected systems" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Connected systems", Level = 1 })).ToBeVisibleAsync();

        // A key set holding a private key ("d") is refused, and nothing is registered.
        var (_, jwks) = BackendSystem.NewKey(Microsoft.IdentityModel.Tokens.SecurityAlgorithms.EcdsaSha384, "browser-key");
        await page.GetByLabel("Name").FillAsync("Outcomes registry");
        await page.GetByLabel("Public key set (JWKS)").FillAsync(jwks.Replace("\"crv\"", "\"d\":\"c2VjcmV0\",\"crv\"", StringComparison.Ordinal));
        await page.GetByRole(AriaRole.Button, new() { Name = "Register system" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("private or secret key");
        Assert.Empty(await BrowserFixture.AccessibilityViolationsAsync(page));

        await page.GetByLabel("Name").FillAsync("Outcomes registry");
        await page.GetByLabel("Public key set (JWKS)").FillAsync(jwks);
        await page.GetByLabel("Scopes").FillAsync("system/Patient.read system/Observation.read");
        await page.GetByRole(AriaRole.Button, new() { Name = "Register system" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Outcomes registry is registered");
        await Expect(page.GetByRole(AriaRole.Row, new() { Name = "Outcomes registry" })).ToContainTextAsync("active");
        Assert.Empty(await BrowserFixture.AccessibilityViolationsAsync(page));
        await BrowserFixture.ScreenshotAsync(page, "admin-connected-systems-desktop");

        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke Outcomes registry" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Outcomes registry is revoked");
        await Expect(page.GetByRole(AriaRole.Row, new() { Name = "Outcomes registry" })).ToContainTextAsync("revoked");
        Assert.Empty(await BrowserFixture.AccessibilityViolationsAsync(page));
    }
}
