using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Playwright;

namespace Rapport.Web.Tests.Support;

/// <summary>
/// Debian's chromium driven by Playwright (never a downloaded browser), against the real app on a loopback port: its old
/// headless shell when installed (what Playwright runs for headless tests, about half the CPU: docs/decisions/0021),
/// else the full browser; <c>RAPPORT_CHROMIUM</c> names either.
/// One app and one browser for the whole browser-test collection.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public static readonly ViewportSize Phone = new() { Width = 390, Height = 844 };
    public static readonly ViewportSize Desktop = new() { Width = 1366, Height = 900 };

    // Pages opened with JavaScript off: axe (a script) cannot run in them, see AccessibilityViolationsAsync.
    private static readonly ConditionalWeakTable<IPage, object> WithoutScript = [];

    // The longest axe may take on one page; without it, an evaluation that never settles hangs the whole run.
    private static readonly TimeSpan AxeTimeout = TimeSpan.FromSeconds(60);

    private IPlaywright? _playwright;

    // The production default coder, so the Listening pages are walked as a practice sees them.
    public RapportApp App { get; } = new(realServer: true, listeningMode: "quality");
    public IBrowser Browser { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("RAPPORT_CHROMIUM")
                ?? (File.Exists("/usr/bin/chromium-headless-shell") ? "/usr/bin/chromium-headless-shell" : "/usr/bin/chromium"),
            Headless = true,
            Args =
            [
                "--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-dev-shm-usage", "--disable-quic",
            ],
        });

        // The app's first page render costs seconds (measured 9 s on the loaded 2-core machine: JIT, the component
        // tree, the first sign-in key); paid here, it no longer eats the first test's 15-second navigation budget.
        using var warm = new HttpClient { BaseAddress = App.ServerAddress, Timeout = TimeSpan.FromMinutes(2) };
        using var _ = await warm.GetAsync(new Uri("/Account/Login", UriKind.Relative));
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

    /// <summary>
    /// An anonymous visitor whose browser runs no script, for the public pages that must work without it. Axe still
    /// checks what such a page shows (see <see cref="AccessibilityViolationsAsync"/>).
    /// </summary>
    public async Task<IPage> NewPageWithoutScriptAsync(ViewportSize viewport)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = viewport,
            BaseURL = App.ServerAddress.ToString(),
            JavaScriptEnabled = false,
            Locale = "en-GB",
        });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        WithoutScript.Add(page, new object());
        return page;
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
        ArgumentNullException.ThrowIfNull(page);
        if (WithoutScript.TryGetValue(page, out _))
        {
            // axe.run's promise never settles in a page whose scripts are off (Playwright's evaluate has no timeout of
            // its own: this hung the whole browser run). The same anonymous URL, opened with script on, is checked instead.
            var scripted = await page.Context.Browser!.NewContextAsync(new BrowserNewContextOptions
            {
                ViewportSize = page.ViewportSize is { } size ? new ViewportSize { Width = size.Width, Height = size.Height } : Phone,
                Locale = "en-GB",
            });
            try
            {
                var twin = await scripted.NewPageAsync();
                await twin.GotoAsync(page.Url);
                return await AccessibilityViolationsAsync(twin);
            }
            finally
            {
                await scripted.DisposeAsync();
            }
        }

        var axe = Environment.GetEnvironmentVariable("RAPPORT_AXE_PATH")
            ?? Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../node/node_modules/axe-core/axe.min.js"));
        if (!File.Exists(axe))
        {
            throw new FileNotFoundException("axe-core is missing: run ./test.sh, which installs it from npm.", axe);
        }

        // Evaluated through the DevTools protocol rather than injected as a <script>: the app's Content-Security-Policy
        // (rightly) refuses inline scripts, and the test must not weaken it.
        await page.EvaluateAsync("source => { (0, eval)(source); }", await File.ReadAllTextAsync(axe)).WaitAsync(AxeTimeout);
        var result = await page.EvaluateAsync<JsonElement>(
            """
            async () => {
              const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } });
              return r.violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => v.id + ': ' + v.help + ' (' + v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', ') + ')');
            }
            """).WaitAsync(AxeTimeout);
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
