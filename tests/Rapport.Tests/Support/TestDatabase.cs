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

    public static async Task<TestDatabase> CreateAsync(DatabaseProvider provider, bool seedDemo = true)
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
