using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Access;
using Rapport.Audit;
using Rapport.Persistence;

namespace Rapport.Web.Tests.Support;

/// <summary>
/// The real app, started as `dotnet run` starts it (Development, demo data), on its own temporary SQLite
/// database, outbox and key folder. With <paramref name="realServer"/> it listens on a loopback port for the browser.
/// </summary>
public sealed class RapportApp : WebApplicationFactory<Program>
{
    public const string Password = "rapport-demo-2026";
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"rapport-web-{Guid.NewGuid():N}");

    private readonly TimeProvider? _clock;
    private readonly IReadOnlyDictionary<string, string>? _settings;
    private readonly string _listeningMode;

    /// <param name="settings">Configuration on top of the defaults below, e.g. <c>SiteUrl</c>.</param>
    public RapportApp(bool realServer = false, TimeProvider? clock = null, IReadOnlyDictionary<string, string>? settings = null, string listeningMode = "fast")
    {
        _clock = clock;
        _settings = settings;
        _listeningMode = listeningMode;
        Directory.CreateDirectory(_folder);
        if (clock is null && settings is null)
        {
            // The demo database every plain app starts with: copied from the run's template instead of migrated and seeded
            // again for each test class. An app with its own clock or settings still seeds as `dotnet run` does.
            Task.Run(() => TestDatabase.CopySeededSqliteAsync(Path.Combine(_folder, "rapport.db"), Path.Combine(_folder, "keys", "field-keys.json")))
                .GetAwaiter().GetResult();
            // Likewise the sign-in key ring's certificate: made once per run by the app's own code (an RSA-3072 key
            // generation costs seconds per start on a busy machine), then copied with its owner-only mode.
            File.Copy(RunCertificate.Value, CertificatePath);
        }

        if (realServer)
        {
            UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        }
    }

    private static readonly Lazy<string> RunCertificate = new(() =>
    {
        var folder = Path.Combine(Path.GetTempPath(), $"rapport-web-run-{Environment.ProcessId}");
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else
        {
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var path = Path.Combine(folder, "dataprotection.pfx");
        File.Delete(path);
        Rapport.Web.Startup.ProtectingCertificate.CreateDevelopmentCertificate(path);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(folder, recursive: true);
        return path;
    });

    public string OutboxPath => Path.Combine(_folder, "outbox");

    public string Folder => _folder;

    /// <summary>The certificate that encrypts the sign-in key ring: generated on first start, as in Development.</summary>
    public string CertificatePath => Path.Combine(_folder, "keys", "dataprotection.pfx");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseEnvironment("Development");
        builder.UseSetting("Database:Provider", "Sqlite");
        builder.UseSetting("Database:Path", Path.Combine(_folder, "rapport.db"));
        builder.UseSetting("Email:OutboxPath", OutboxPath);
        // Keys in a folder of their own, apart from the database (as in a real installation), made at run time: never committed.
        builder.UseSetting("DataProtection:CertificatePath", CertificatePath);
        builder.UseSetting("Database:KeyRingPath", Path.Combine(_folder, "keys", "field-keys.json"));
        builder.UseSetting("Demo:Seed", "true");
        if (_clock is not null)
        {
            builder.ConfigureTestServices(services => services.AddSingleton(_clock));
        }
        // Tests sign in dozens of times a minute from one address; RateLimitTests lowers this again.
        builder.UseSetting("RateLimits:SignInPerMinute", "10000");
        // Every app codes the demo's transcripts after start; the quality coder (the production default) costs about a
        // second of CPU each, so apps code them in fast mode unless a test asks for quality (the browser tests do).
        builder.UseSetting("Listening:Mode", _listeningMode);
        foreach (var (key, value) in _settings ?? new Dictionary<string, string>())
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>The root URL of the real server (after <see cref="WebApplicationFactory{T}.StartServer"/>).</summary>
    public Uri ServerAddress
    {
        get
        {
            StartServer();
            var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        }
    }

    public HttpClient Anonymous() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    /// <summary>A client carrying a bearer token from POST /api/identity/login, as an API user signs in.</summary>
    public async Task<HttpClient> SignedInAsync(string email)
    {
        var client = Anonymous();
        using var response = await client.PostAsJsonAsync("/api/identity/login", new { email, password = Password });
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>A client carrying the sign-in cookie, as a browser does, for page requests.</summary>
    public async Task<HttpClient> SignedInWithCookieAsync(string email)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        using var response = await client.PostAsJsonAsync("/api/identity/login?useCookies=true", new { email, password = Password });
        response.EnsureSuccessStatusCode();
        return client;
    }

    public async Task<Guid> ClientIdAsync(string email)
    {
        await using var db = SystemDb();
        return await db.Clients.Where(c => c.Email == email).Select(c => c.Id).SingleAsync();
    }

    public RapportDb SystemDb() => DbAs(Viewer.System);

    /// <summary>The database as one person sees it (their query filters), for arranging or reading data; features come from <see cref="As(Viewer)"/>.</summary>
    public RapportDb DbAs(Viewer viewer)
    {
        // The options are scoped and keep the scope's provider, so the scope lives as long as the context (as before).
        var scope = Services.CreateScope();
        return new RapportDb(scope.ServiceProvider.GetRequiredService<DbContextOptions<RapportDb>>(), new FixedViewerSource(viewer), new AuditContext(), Services.GetRequiredService<TimeProvider>());
    }

    /// <summary>A scope of the running app acting as <paramref name="viewer"/>: its features, as the app's container builds them.</summary>
    public PersonaScope As(Viewer viewer) => new(Services.CreateViewerScope(viewer), viewer);

    /// <inheritdoc cref="As(Viewer)"/>
    public async Task<PersonaScope> As(string email) => As(await ViewerForAsync(email));

    /// <summary>The viewer a sign-in of this email would be (from the database, not from a token).</summary>
    public async Task<Viewer> ViewerForAsync(string email)
    {
        await using var db = SystemDb();
        var user = await db.Users.SingleAsync(u => u.NormalizedEmail == email.ToUpperInvariant());
        var roles = user.StaffMemberId is { } staffId ? await db.StaffMembers.Where(s => s.Id == staffId).Select(s => s.Roles).SingleAsync() : Rapport.Staff.StaffRoles.None;
        return new Viewer { UserId = user.Id, PracticeId = user.PracticeId, StaffMemberId = user.StaffMemberId, ClientId = user.ClientId, Roles = roles };
    }

    /// <summary>A practice admin deactivates (or reactivates) the staff member with this email, through the feature the admin page uses.</summary>
    public async Task SetStaffActiveAsync(string email, bool active, string admin = Personas.HarbourAdmin)
    {
        var target = await ViewerForAsync(email);
        await using var scope = await As(admin);
        var outcome = await scope.Get<Rapport.Staff.ChangeStaffAccess>().HandleAsync(target.StaffMemberId!.Value, active);
        if (!outcome.Succeeded)
        {
            throw new InvalidOperationException("Could not change the staff member's access: " + string.Join("; ", outcome.Errors.Values));
        }
    }

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
            // A file still held open by a finishing request; the temp folder is cleaned by the OS.
        }
    }
}
