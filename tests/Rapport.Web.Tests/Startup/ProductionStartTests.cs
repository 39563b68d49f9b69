using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Access;
using Rapport.Invitations;
using Rapport.Persistence;

namespace Rapport.Web.Tests.Startup;

/// <summary>
/// Issue 10: the documented production command ran in Development (demo accounts, /dev/outbox, stack traces). In
/// Production the app starts only with a safe configuration, says every problem when it is not, and never seeds demo
/// users, serves the outbox or shows a stack trace.
/// </summary>
public sealed class ProductionStartTests
{
    /// <summary>The app in Production with the settings docs/operations.md documents (behind a TLS-terminating proxy).</summary>
    private sealed class ProductionApp : WebApplicationFactory<Program>
    {
        public const string Site = "https://rapport.example.org";
        private readonly string _folder = Path.Combine(Path.GetTempPath(), $"rapport-prod-{Guid.NewGuid():N}");
        private readonly Dictionary<string, string> _settings;
        private readonly bool _brokenInvitations;

        public ProductionApp(IReadOnlyDictionary<string, string>? changes = null, bool brokenInvitations = false)
        {
            _brokenInvitations = brokenInvitations;
            Directory.CreateDirectory(_folder);
            var certificate = Path.Combine(_folder, "keys", "dataprotection.pfx");
            Directory.CreateDirectory(Path.GetDirectoryName(certificate)!);
            using (var rsa = RSA.Create(2048))
            {
                // Made for this run only: no key material is ever committed.
                using var made = new CertificateRequest("CN=Rapport test", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
                    .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
                File.WriteAllBytes(certificate, made.Export(X509ContentType.Pkcs12, "test-password"));
            }

            _settings = new Dictionary<string, string>
            {
                ["Database:Provider"] = "Sqlite",
                ["Database:Path"] = Path.Combine(_folder, "data", "rapport.db"),
                ["Database:KeyRingPath"] = Path.Combine(_folder, "keys", "field-keys.json"),
                ["DataProtection:CertificatePath"] = certificate,
                ["DataProtection:CertificatePassword"] = "test-password",
                ["SiteUrl"] = Site,
                ["ReverseProxy:KnownProxies"] = "10.0.0.2",
                ["Email:SmtpHost"] = "smtp.invalid",
                ["Email:OutboxPath"] = Path.Combine(_folder, "outbox"),
            };
            foreach (var (key, value) in changes ?? new Dictionary<string, string>())
            {
                _settings[key] = value;
            }
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Production");
            foreach (var (key, value) in _settings)
            {
                builder.UseSetting(key, value);
            }

            if (_brokenInvitations)
            {
                builder.ConfigureTestServices(s => s.AddScoped<AcceptInvitation>(_ =>
                    throw new InvalidOperationException("SECRET-DETAIL of a failure deep inside")));
            }
        }

        public HttpClient Browser() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri(Site) });

        protected override void Dispose(bool disposing)
        {
            base.Dispose(disposing);
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(_folder, recursive: true);
            }
            catch (IOException)
            {
                // The OS cleans the temp folder.
            }
        }
    }

    [Fact]
    public async Task DocumentedProductionSettings_Start_WithoutDemoUsers_Outbox_OrStackTraces()
    {
        using var app = new ProductionApp(brokenInvitations: true);
        using var browser = app.Browser();

        using var home = await browser.GetAsync(new Uri("/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);

        await using (var scope = app.Services.CreateViewerScope(Viewer.System))
        {
            var db = scope.ServiceProvider.GetRequiredService<RapportDb>();
            Assert.Equal(0, await db.Users.CountAsync());
            Assert.Equal(0, await db.Practices.CountAsync());
        }

        using var demoSignIn = await browser.PostAsJsonAsync("/api/identity/login", new { email = Personas.Therapist1, password = "rapport-demo-2026" });
        Assert.Equal(HttpStatusCode.Unauthorized, demoSignIn.StatusCode);

        using var outbox = await browser.GetAsync(new Uri("/dev/outbox", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, outbox.StatusCode);

        using var failed = await browser.GetAsync(new Uri("/invitations/accept?token=x", UriKind.Relative));
        var body = await failed.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.Contains("An error occurred while processing your request", body, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET-DETAIL", body, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", body, StringComparison.Ordinal);
        Assert.DoesNotContain(" at Rapport.", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InProduction_AForeignHostHeader_IsRefused()
    {
        using var app = new ProductionApp();
        using var evil = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("https://evil.example") });

        using var response = await evil.GetAsync(new Uri("/Account/ForgotPassword", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    public static TheoryData<string, string, string> UnsafeSettings => new()
    {
        { "Demo:Seed", "true", "Demo:Seed is on" },
        { "SiteUrl", "", "SiteUrl is not set" },
        { "SiteUrl", "http://rapport.example.org", "must be an absolute https:// address" },
        { "ReverseProxy:KnownProxies", "", "Neither TLS nor a reverse proxy is configured" },
        { "DataProtection:CertificatePath", "", "The sign-in key ring is unprotected" },
        { "DataProtection:CertificatePath", "/nonexistent/rapport.pfx", "which does not exist" },
        { "Email:SmtpHost", "", "Email:SmtpHost is not set" },
    };

    [Theory]
    [MemberData(nameof(UnsafeSettings))]
    public void UnsafeProductionSetting_RefusesToStart_AndSaysWhy(string key, string value, string reason)
    {
        using var app = new ProductionApp(new Dictionary<string, string> { [key] = value });

        var refused = Record.Exception(() => app.Browser());

        Assert.NotNull(refused);
        var message = Messages(refused);
        Assert.Contains("Rapport will not start in Production", message, StringComparison.Ordinal);
        Assert.Contains(reason, message, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryProblem_IsListedAtOnce()
    {
        using var app = new ProductionApp(new Dictionary<string, string>
        {
            ["Demo:Seed"] = "true", ["SiteUrl"] = "", ["ReverseProxy:KnownProxies"] = "", ["DataProtection:CertificatePath"] = "", ["Email:SmtpHost"] = "",
        });

        var message = Messages(Record.Exception(() => app.Browser()));

        foreach (var (_, _, reason) in UnsafeSettings.Select(r => ((string)r[0], (string)r[1], (string)r[2])).Where(r => !r.Item3.Contains("https", StringComparison.Ordinal) && !r.Item3.Contains("exist", StringComparison.Ordinal)))
        {
            Assert.Contains(reason, message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void TlsOnKestrel_InsteadOfAProxy_IsAccepted()
    {
        using var app = new ProductionApp(new Dictionary<string, string> { ["ReverseProxy:KnownProxies"] = "", ["Kestrel:Endpoints:Https:Url"] = "https://127.0.0.1:0" });

        var problems = Rapport.Web.Startup.ProductionSafetyCheck.Problems(app.Services.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>(),
            app.Services.GetRequiredService<Microsoft.Extensions.Hosting.IHostEnvironment>());

        Assert.Empty(problems);
    }

    private static string Messages(Exception? exception)
    {
        var parts = new List<string>();
        for (var e = exception; e is not null; e = e.InnerException)
        {
            parts.Add(e.Message);
            if (e is AggregateException aggregate)
            {
                parts.AddRange(aggregate.InnerExceptions.Select(i => i.Message));
            }
        }

        return string.Join("\n", parts);
    }
}
