using System.Text.Json;
using Microsoft.Playwright;

namespace Rapport.Web.Tests.Support;

/// <summary>
/// Debian's chromium driven by Playwright (never a downloaded browser), against the real app on a loopback port.
/// One app and one browser for the whole browser-test collection.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public static readonly ViewportSize Phone = new() { Width = 390, Height = 844 };
    public static readonly ViewportSize Desktop = new() { Width = 1366, Height = 900 };

    private IPlaywright? _playwright;

    public RapportApp App { get; } = new(realServer: true);
    public IBrowser Browser { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("RAPPORT_CHROMIUM") ?? "/usr/bin/chromium",
            Headless = true,
            Args =
            [
                "--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-dev-shm-usage", "--disable-quic",
            ],
        });
    }

    public async Task<IPage> NewPageAsync(ViewportSize viewport)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = viewport,
            BaseURL = App.ServerAddress.ToString(),
            Locale = "en-GB",
        });
        context.SetDefaultTimeout(15_000);
        return await context.NewPageAsync();
    }

    public static async Task SignInAsync(IPage page, string email, string password = RapportApp.Password)
    {
        await page.GotoAsync("/Account/Login");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
    }

    /// <summary>Keeps a screenshot as a test artifact (TestResults/screenshots when run by ./test.sh).</summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        var folder = Environment.GetEnvironmentVariable("RAPPORT_SCREENSHOTS") ?? Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name + ".png"), FullPage = true });
    }

    /// <summary>Runs axe-core (from npm) on the page and returns the serious and critical WCAG violations.</summary>
    public static async Task<IReadOnlyList<string>> AccessibilityViolationsAsync(IPage page)
    {
        var axe = Environment.GetEnvironmentVariable("RAPPORT_AXE_PATH")
            ?? Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../node/node_modules/axe-core/axe.min.js"));
        if (!File.Exists(axe))
        {
            throw new FileNotFoundException("axe-core is missing: run ./test.sh, which installs it from npm.", axe);
        }

        // Evaluated through the DevTools protocol rather than injected as a <script>: the app's Content-Security-Policy
        // (rightly) refuses inline scripts, and the test must not weaken it.
        await page.EvaluateAsync("source => { (0, eval)(source); }", await File.ReadAllTextAsync(axe));
        var result = await page.EvaluateAsync<JsonElement>(
            """
            async () => {
              const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } });
              return r.violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => v.id + ': ' + v.help + ' (' + v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', ') + ')');
            }
            """);
        return [.. result.EnumerateArray().Select(v => v.GetString()!)];
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright?.Dispose();
        App.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
