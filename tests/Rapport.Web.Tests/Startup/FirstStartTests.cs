using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;
using Rapport.Web.Tests.Support;

namespace Rapport.Web.Tests.Startup;

/// <summary>
/// A newcomer's first `dotnet run` starts on no database at all. Its log must be clean: an error there (it once read the
/// Data Protection key ring from a table the migrations had not yet made) reads as a broken install.
/// </summary>
public sealed class FirstStartTests
{
    [Fact]
    public async Task FirstStart_OnNoDatabase_MigratesSeedsAndServes_WithNoErrorInTheLog()
    {
        var logs = new TelemetryTests.CapturingLoggerProvider();
        // Settings of its own: this app migrates and seeds an empty folder, as `dotnet run` does, instead of copying the template.
        using var baseApp = new RapportApp(settings: new Dictionary<string, string>());
        Assert.False(File.Exists(Path.Combine(baseApp.Folder, "rapport.db")));
        await using var app = baseApp.WithWebHostBuilder(b => b.ConfigureLogging(l =>
        {
            l.AddProvider(logs);
            l.AddFilter<TelemetryTests.CapturingLoggerProvider>(null, LogLevel.Information);
        }));

        using var therapist = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        using (var signIn = await therapist.PostAsJsonAsync("/api/identity/login?useCookies=true", new { email = Personas.Therapist1, password = RapportApp.Password }))
        {
            Assert.True(signIn.IsSuccessStatusCode, $"sign-in: {(int)signIn.StatusCode}");
        }

        using var dashboard = await therapist.GetAsync(new Uri("/caseload", UriKind.Relative));

        Assert.True(dashboard.IsSuccessStatusCode, $"dashboard: {(int)dashboard.StatusCode}");
        Assert.Contains(logs.Lines, l => l.Contains("demo data created", StringComparison.Ordinal));
        Assert.Empty(logs.Errors);
    }
}
