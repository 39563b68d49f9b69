using System.Data.Common;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Npgsql;
using Rapport.Access;
using Rapport.Accounts;
using Rapport.Audit;
using Rapport.Demo;
using Rapport.Email;
using Rapport.Measures;
using Rapport.Persistence;
using Rapport.Staff;

namespace Rapport.Testing;

/// <summary>
/// A real database for a test: a temporary SQLite file (in a folder of its own, which is also its data folder), or a
/// fresh database on the PostgreSQL server that ./test.sh starts (its admin connection string is in
/// RAPPORT_TEST_POSTGRES). Migrated like production. Migrating and seeding the demo practices is done once per run and
/// provider, into a template (a SQLite file; a PostgreSQL database), and each test gets a copy of it (a file copy;
/// CREATE DATABASE … TEMPLATE): the copy is the database the same migrations and seed would have made, in a fraction
/// of the time.
/// <para>
/// A test reaches a feature as a persona through <see cref="As(string)"/>: a scope of a container built with the
/// registrations production uses (<see cref="RapportServices.AddRapportFeatures"/>, <c>AddRapportMail</c>,
/// <c>AddRapportDatabase</c>), with only the viewer, the clock (<see cref="Clock"/>), the mailer
/// (<see cref="Mailer"/>), the instruments (<see cref="Instruments"/>) and this database's options put in.
/// </para>
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public const string PostgresVariable = "RAPPORT_TEST_POSTGRES";

    /// <summary>The site address the test container's mail links point at.</summary>
    public const string SiteUrl = "https://rapport.example";

    // One key ring per test run, so every test database shares one EF model; removed when the run ends.
    private static readonly string KeyRing = CreateKeyRingPath();

    private static string CreateKeyRingPath()
    {
        var path = Path.Combine(Path.GetTempPath(), $"rapport-test-keys-{Guid.NewGuid():N}.json");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => File.Delete(path);
        return path;
    }

    private readonly string? _postgresAdmin;
    private readonly string? _postgresName;
    private readonly bool _durable;
    private DbContextOptions<RapportDb>? _dbOptions;
    private ServiceProvider? _services;
    private TimeProvider _clock = TimeProvider.System;
    private InstrumentSource? _instruments;

    private TestDatabase(DatabaseOptions options, string? postgresAdmin, string? postgresName, bool durable)
    {
        Options = options;
        _postgresAdmin = postgresAdmin;
        _postgresName = postgresName;
        _durable = durable;
    }

    public DatabaseOptions Options { get; }

    /// <summary>The SQLite file's own folder (where <c>rapport instruments import</c> would put instruments); <c>null</c> on PostgreSQL.</summary>
    public string? DataFolder => Options.Provider == DatabaseProvider.Sqlite ? Path.GetDirectoryName(Options.Path) : null;

    public static IEnumerable<object[]> Providers => [[DatabaseProvider.Sqlite], [DatabaseProvider.Postgres]];

    /// <summary>Every e-mail the features of this database's scopes sent.</summary>
    public RecordingMailer Mailer { get; } = new();

    /// <summary>The app's clock for this database's scopes and contexts (a <c>FakeTimeProvider</c> where a test moves time); set before the first scope.</summary>
    public TimeProvider Clock
    {
        get => _clock;
        set => _clock = _services is null ? value : throw new InvalidOperationException("Set the clock before the first scope: the container is built once.");
    }

    /// <summary>The instruments the features see, when a test imports wording (<see cref="ImportedInstruments"/>); otherwise production's registration.</summary>
    public InstrumentSource? Instruments
    {
        get => _instruments;
        set => _instruments = _services is null ? value : throw new InvalidOperationException("Set the instruments before the first scope: the container is built once.");
    }

    // One template per provider and kind (seeded or only migrated), made by the first test that asks for it.
    private static readonly Dictionary<(DatabaseProvider, bool), Task<TestDatabase>> Templates = [];
    private static readonly SemaphoreSlim TemplateLock = new(1, 1);

    /// <param name="durable">Keep production's SQLite durability (<c>synchronous=FULL</c>) on this copy: for the tests of
    /// durability itself. Every other SQLite test database runs with <c>synchronous=OFF</c> (see <see cref="FastTestSqlite"/>).</param>
    public static async Task<TestDatabase> CreateAsync(DatabaseProvider provider, bool seedDemo = true, bool durable = false)
    {
        var template = await TemplateAsync(provider, seedDemo);
        return await template.CopyAsync(durable);
    }

    private static async Task<TestDatabase> TemplateAsync(DatabaseProvider provider, bool seedDemo)
    {
        Task<TestDatabase> template;
        await TemplateLock.WaitAsync();
        try
        {
            if (!Templates.TryGetValue((provider, seedDemo), out template!))
            {
                template = CreateFreshAsync(provider, seedDemo);
                Templates[(provider, seedDemo)] = template;
            }
        }
        finally
        {
            TemplateLock.Release();
        }

        return await template;
    }

    private async Task<TestDatabase> CopyAsync(bool durable)
    {
        if (_postgresAdmin is not null && _postgresName is not null)
        {
            var name = $"rapport_test_{Guid.NewGuid():N}";
            // CREATE DATABASE … TEMPLATE needs the template to have no open connection. None has once the template is
            // made (its pool is cleared), and copies only share-lock it, so copies run side by side.
            await using var connection = new NpgsqlConnection(_postgresAdmin);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name} TEMPLATE {_postgresName}", connection);
            await command.ExecuteNonQueryAsync();
            var builder = new NpgsqlConnectionStringBuilder(_postgresAdmin) { Database = name };
            return new TestDatabase(new DatabaseOptions { Provider = DatabaseProvider.Postgres, ConnectionString = builder.ConnectionString, KeyRingPath = KeyRing }, _postgresAdmin, name, durable);
        }

        var path = NewSqlitePath();
        File.Copy(Options.Path, path);
        return new TestDatabase(new DatabaseOptions { Provider = DatabaseProvider.Sqlite, Path = path, KeyRingPath = KeyRing }, null, null, durable);
    }

    private static string NewSqlitePath()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"rapport-test-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, "rapport.db");
    }

    private static async Task<TestDatabase> CreateFreshAsync(DatabaseProvider provider, bool seedDemo)
    {
        TestDatabase database;
        if (provider == DatabaseProvider.Postgres)
        {
            var admin = Environment.GetEnvironmentVariable(PostgresVariable);
            if (string.IsNullOrWhiteSpace(admin))
            {
                throw new InvalidOperationException($"{PostgresVariable} is not set. Run the tests with ./test.sh, which starts a throwaway PostgreSQL server.");
            }

            var name = $"rapport_test_{Guid.NewGuid():N}";
            await using (var connection = new NpgsqlConnection(admin))
            {
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
                await command.ExecuteNonQueryAsync();
            }

            var builder = new NpgsqlConnectionStringBuilder(admin) { Database = name };
            database = new TestDatabase(new DatabaseOptions { Provider = DatabaseProvider.Postgres, ConnectionString = builder.ConnectionString, KeyRingPath = KeyRing }, admin, name, durable: false);
        }
        else
        {
            database = new TestDatabase(new DatabaseOptions { Provider = DatabaseProvider.Sqlite, Path = NewSqlitePath(), KeyRingPath = KeyRing }, null, null, durable: false);
        }

        await using var db = database.Open(Viewer.System);
        await RapportDatabase.MigrateAsync(db, database.Options);
        if (seedDemo)
        {
            await new DemoData(db, new PasswordHasher<RapportUser>(), TimeProvider.System).SeedAsync();
        }

        await db.DisposeAsync();
        if (provider == DatabaseProvider.Postgres)
        {
            // No pooled connection may stay open on a template.
            NpgsqlConnection.ClearPool(new NpgsqlConnection(database.Options.ConnectionString));
        }
        else
        {
            // One self-contained file to copy: the write-ahead log folded in and closed.
            await using (var checkpoint = database.Open(Viewer.System))
            {
                await checkpoint.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE)");
            }

            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }

        AppDomain.CurrentDomain.ProcessExit += (_, _) => database.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return database;
    }

    /// <summary>
    /// Puts this run's migrated and seeded SQLite template at <paramref name="databasePath"/> with its field key ring at
    /// <paramref name="keyRingPath"/>, as a first start of the app in Development would have left them (the app's own
    /// start then finds no migration pending and the demo data already there). Owner-only modes are kept.
    /// </summary>
    public static async Task CopySeededSqliteAsync(string databasePath, string keyRingPath)
    {
        var template = await TemplateAsync(DatabaseProvider.Sqlite, seedDemo: true);
        foreach (var folder in new[] { Path.GetDirectoryName(databasePath)!, Path.GetDirectoryName(keyRingPath)! })
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(folder);
            }
            else
            {
                Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }

        File.Copy(template.Options.Path, databasePath);
        File.Copy(KeyRing, keyRingPath);
    }

    /// <summary>The context options of this database: production's (<see cref="RapportDatabase.StandaloneOptions"/>), and on SQLite, unless the copy is durable, <see cref="FastTestSqlite"/> after production's durability settings.</summary>
    public DbContextOptions<RapportDb> DbOptions => _dbOptions ??= BuildDbOptions();

    private DbContextOptions<RapportDb> BuildDbOptions()
    {
        var production = RapportDatabase.StandaloneOptions(Options);
        return Options.Provider == DatabaseProvider.Sqlite && !_durable
            ? new DbContextOptionsBuilder<RapportDb>(production).AddInterceptors(FastTestSqlite.Instance).Options
            : production;
    }

    /// <summary>A context that sees <paramref name="viewer"/>, for reading or arranging data around a feature (features come from <see cref="As(string)"/>).</summary>
    public RapportDb Open(Viewer viewer) => new(DbOptions, new FixedViewerSource(viewer), new AuditContext(), Clock);

    /// <summary>The container of this database's scopes, built on first use with production's registrations.</summary>
    public IServiceProvider Services => _services ??= BuildServices();

    /// <summary>The configuration production reads for this database (provider, file or connection, key ring, site), for a test that builds its own container.</summary>
    public static IConfiguration ConfigurationFor(DatabaseOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = options.Provider.ToString(),
            ["Database:Path"] = options.Path,
            ["Database:KeyRingPath"] = options.KeyRingPath,
            ["ConnectionStrings:Rapport"] = options.ConnectionString,
            ["SiteUrl"] = SiteUrl,
        }).Build();
    }

    private ServiceProvider BuildServices()
    {
        var configuration = ConfigurationFor(Options);
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        // Every host has one; the transcript worker waits on it before its first round.
        services.AddSingleton<IHostApplicationLifetime, ApplicationLifetime>();
        services.AddSingleton(Clock);
        if (Instruments is { } instruments)
        {
            services.AddSingleton(instruments);
        }

        services.AddRapportDatabase(configuration);
        services.AddRapportMail(configuration, development: false);
        services.AddRapportFeatures();

        // Put in: this database's options (one EF model for the whole run), the recording mailer, and the scope's viewer.
        services.Replace(ServiceDescriptor.Singleton(DbOptions));
        services.Replace(ServiceDescriptor.Singleton<IMailer>(Mailer));
        services.AddScoped<IViewerSource, ScopeViewerSource>();
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
    }

    /// <summary>A scope acting as the person who signs in with <paramref name="email"/> (a <see cref="Personas"/> constant).</summary>
    public async Task<PersonaScope> As(string email) => As(await ViewerForAsync(email));

    /// <summary>A scope acting as <paramref name="viewer"/> (also <see cref="Viewer.System"/>, as a background job).</summary>
    public PersonaScope As(Viewer viewer) => new(Services.CreateViewerScope(viewer), viewer);

    /// <summary>The viewer a sign-in with this email gets (the same claims RapportClaimsFactory issues).</summary>
    public async Task<Viewer> ViewerForAsync(string email)
    {
        await using var db = Open(Viewer.System);
        var user = await db.Users.SingleAsync(u => u.NormalizedEmail == email.ToUpperInvariant());
        var roles = user.StaffMemberId is { } staffId
            ? await db.StaffMembers.Where(s => s.Id == staffId).Select(s => s.Roles).SingleAsync()
            : StaffRoles.None;
        return new Viewer { UserId = user.Id, PracticeId = user.PracticeId, StaffMemberId = user.StaffMemberId, ClientId = user.ClientId, Roles = roles };
    }

    public async Task<Guid> ClientIdAsync(string email)
    {
        await using var db = Open(Viewer.System);
        return await db.Clients.Where(c => c.Email == email).Select(c => c.Id).SingleAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        if (_postgresAdmin is not null && _postgresName is not null)
        {
            // Only this database's pool: clearing every pool would close the connections of tests running beside this one.
            NpgsqlConnection.ClearPool(new NpgsqlConnection(Options.ConnectionString));
            await using var connection = new NpgsqlConnection(_postgresAdmin);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_postgresName} WITH (FORCE)", connection);
            await command.ExecuteNonQueryAsync();
        }
        else
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(Path.GetDirectoryName(Options.Path)!, recursive: true);
            }
            catch (IOException)
            {
                // A file another test's pool still held a moment ago; the temporary folder is cleaned by the OS.
            }
        }
    }

    /// <summary>
    /// TEST-ONLY: <c>PRAGMA synchronous=OFF</c> after production's <c>synchronous=FULL</c>, so a commit no longer waits
    /// for the disk. A throwaway copy need not survive a power cut (it is deleted when the test ends), and a crash of
    /// the test process still loses nothing (the operating system holds the writes); on a shared machine the fsync per
    /// commit was most of a SQLite test's time. Production never adds this interceptor
    /// (<see cref="RapportDatabase.Configure"/>), and the durability tests ask for a durable copy.
    /// </summary>
    private sealed class FastTestSqlite : DbConnectionInterceptor
    {
        public static readonly FastTestSqlite Instance = new();

        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
        {
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA synchronous=OFF;";
            command.ExecuteNonQuery();
        }

        public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA synchronous=OFF;";
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
