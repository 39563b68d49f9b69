using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Rapport.Access;
using Rapport.Accounts;
using Rapport.Demo;
using Rapport.Persistence;
using Rapport.Staff;

namespace Rapport.Tests.Support;

/// <summary>
/// A real database for a test: a temporary SQLite file, or a fresh database on the PostgreSQL server that
/// ./test.sh starts (its admin connection string is in RAPPORT_TEST_POSTGRES). Migrated like production.
/// Migrating and seeding the demo practices is done once per run and provider, into a template (a SQLite file; a
/// PostgreSQL database), and each test gets a copy of it (a file copy; CREATE DATABASE … TEMPLATE): the copy is the
/// database the same migrations and seed would have made, in a fraction of the time.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public const string PostgresVariable = "RAPPORT_TEST_POSTGRES";

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

    private TestDatabase(DatabaseOptions options, string? postgresAdmin, string? postgresName)
    {
        Options = options;
        _postgresAdmin = postgresAdmin;
        _postgresName = postgresName;
    }

    public DatabaseOptions Options { get; }

    public static IEnumerable<object[]> Providers => [[DatabaseProvider.Sqlite], [DatabaseProvider.Postgres]];

    // One template per provider and kind (seeded or only migrated), made by the first test that asks for it.
    private static readonly Dictionary<(DatabaseProvider, bool), Task<TestDatabase>> Templates = [];
    private static readonly SemaphoreSlim TemplateLock = new(1, 1);

    public static async Task<TestDatabase> CreateAsync(DatabaseProvider provider, bool seedDemo = true)
    {
        var template = await TemplateAsync(provider, seedDemo);
        return await template.CopyAsync();
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

    private async Task<TestDatabase> CopyAsync()
    {
        if (_postgresAdmin is not null && _postgresName is not null)
        {
            var name = $"rapport_test_{Guid.NewGuid():N}";
            // CREATE DATABASE … TEMPLATE needs the template to have no open connection, so copies are made one at a time.
            await TemplateLock.WaitAsync();
            try
            {
                await using var connection = new NpgsqlConnection(_postgresAdmin);
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand($"CREATE DATABASE {name} TEMPLATE {_postgresName}", connection);
                await command.ExecuteNonQueryAsync();
            }
            finally
            {
                TemplateLock.Release();
            }

            var builder = new NpgsqlConnectionStringBuilder(_postgresAdmin) { Database = name };
            return new TestDatabase(new DatabaseOptions { Provider = DatabaseProvider.Postgres, ConnectionString = builder.ConnectionString, KeyRingPath = KeyRing }, _postgresAdmin, name);
        }

        var path = Path.Combine(Path.GetTempPath(), $"rapport-test-{Guid.NewGuid():N}.db");
        File.Copy(Options.Path, path);
        return new TestDatabase(new DatabaseOptions { Provider = DatabaseProvider.Sqlite, Path = path, KeyRingPath = KeyRing }, null, null);
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
            database = new TestDatabase(new DatabaseOptions { Provider = DatabaseProvider.Postgres, ConnectionString = builder.ConnectionString, KeyRingPath = KeyRing }, admin, name);
        }
        else
        {
            var path = Path.Combine(Path.GetTempPath(), $"rapport-test-{Guid.NewGuid():N}.db");
            database = new TestDatabase(new DatabaseOptions { Provider = DatabaseProvider.Sqlite, Path = path, KeyRingPath = KeyRing }, null, null);
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

    public RapportDb Open(Viewer viewer) => new(RapportDatabase.StandaloneOptions(Options), new FixedViewerSource(viewer));

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
        if (_postgresAdmin is not null && _postgresName is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(_postgresAdmin);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_postgresName} WITH (FORCE)", connection);
            await command.ExecuteNonQueryAsync();
        }
        else
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(Options.Path + suffix);
            }
        }
    }
}
