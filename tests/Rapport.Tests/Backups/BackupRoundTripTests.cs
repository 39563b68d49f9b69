using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using Rapport.Access;
using Rapport.Audit;
using Rapport.Caseload;
using Rapport.Cli.Backups;
using Rapport.Persistence;
using Rapport.Email;
using Rapport.Privacy;

namespace Rapport.Tests.Backups;

/// <summary>
/// Issue 13 item 7: a backup restored into an empty database equals the original, row for row, its free text reads the
/// same with the same key ring, its audit chains verify, and the app serves the demo from it.
/// </summary>
public sealed class BackupRoundTripTests : IAsyncDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"rapport-backup-{Guid.NewGuid():N}");
    private string? _postgresTarget;

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task TheDemoPractice_BackedUpAndRestoredIntoAnEmptyDatabase_IsTheSameRowForRow_AndServesTheDashboard(DatabaseProvider provider)
    {
        await using var source = await TestDatabase.CreateAsync(provider);
        // Therapist 1 opens the dashboard first: the reads it audits give the practice an audit chain to carry across.
        var therapist = await source.ViewerForAsync(Personas.Therapist1);
        IReadOnlyList<GetCaseload.Row> expected;
        await using (var scope = source.As(therapist))
        {
            expected = await scope.Get<GetCaseload>().HandleAsync();
        }

        var backup = await new TakeBackup(source.Options, TimeProvider.System).HandleAsync(Path.Combine(_folder, "backup"));
        Assert.Empty(backup.Problems);
        var manifest = backup.Manifest!;
        Assert.NotEmpty(manifest.AuditHeads);
        Assert.Equal(provider.ToString(), manifest.Provider);
        Assert.True(manifest.Tables["Clients"] > 0);

        var target = EmptyTarget(provider, source.Options);
        var restored = await new RestoreBackup(target, () => Open(target)).HandleAsync(Path.Combine(_folder, "backup"), replace: false);

        Assert.Empty(restored.Refused);
        Assert.Empty(restored.Problems);
        Assert.Equal(0, restored.PendingMigrations);
        Assert.Equal(manifest.Tables["AuditEntries"], restored.AuditEntries);
        Assert.True(restored.AuditEntries > 0);

        // Every table, every row, every column, as stored (so encrypted free text is the same ciphertext).
        await using (var original = await ConnectAsync(source.Options))
        await using (var copy = await ConnectAsync(target))
        {
            var tables = await DatabaseSnapshot.TablesAsync(original, provider == DatabaseProvider.Postgres, CancellationToken.None);
            Assert.Equal(tables, await DatabaseSnapshot.TablesAsync(copy, provider == DatabaseProvider.Postgres, CancellationToken.None));
            foreach (var table in tables)
            {
                Assert.Equal(await RowsAsync(original, table), await RowsAsync(copy, table));
            }
        }

        // Every encrypted field, decrypted with the same key ring, reads the same.
        await using (var original = source.Open(Viewer.System))
        await using (var copy = Open(target))
        {
            var decrypted = 0;
            foreach (var entity in original.Model.GetEntityTypes().Where(e => !e.HasSharedClrType))
            {
                var encrypted = entity.GetProperties().Where(p => p.PropertyInfo?.IsDefined(typeof(EncryptedAttribute), inherit: true) == true).ToArray();
                if (encrypted.Length == 0)
                {
                    continue;
                }

                var before = await DecryptedAsync(original, entity, encrypted);
                Assert.Equal(before, await DecryptedAsync(copy, entity, encrypted));
                Assert.DoesNotContain(before, v => v is not null && v.Contains(FieldEncryption.Prefix, StringComparison.Ordinal));
                decrypted += before.Count(v => v is not null);
            }

            Assert.True(decrypted > 0, "the demo has free text, so some encrypted value was compared");
            var chains = await new VerifyAuditTrail(copy).HandleAsync();
            Assert.True(chains.Intact);
            Assert.Equal(manifest.AuditHeads.Count, chains.Practices);
        }

        // The restored app serves the demo: therapist 1's dashboard is the same as it was before the backup.
        await using var services = Services(target, therapist);
        await using var restoredScope = services.CreateAsyncScope();
        var actual = await restoredScope.ServiceProvider.GetRequiredService<GetCaseload>().HandleAsync();
        Assert.NotEmpty(expected);
        Assert.Equal(JsonSerializer.Serialize(expected), JsonSerializer.Serialize(actual));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Restore_IntoADatabaseThatIsNotEmpty_IsRefused_AndChangesNothing(DatabaseProvider provider)
    {
        await using var source = await TestDatabase.CreateAsync(provider);
        Assert.Empty((await new TakeBackup(source.Options, TimeProvider.System).HandleAsync(Path.Combine(_folder, "backup"))).Problems);
        await using var other = await TestDatabase.CreateAsync(provider, seedDemo: false);
        await using (var db = other.Open(Viewer.System))
        {
            Assert.Empty(await db.Clients.IgnoreQueryFilters().ToListAsync());
        }

        var restored = await new RestoreBackup(other.Options, () => other.Open(Viewer.System)).HandleAsync(Path.Combine(_folder, "backup"), replace: false);

        Assert.Contains("not empty", Assert.Single(restored.Refused), StringComparison.Ordinal);
        await using (var db = other.Open(Viewer.System))
        {
            Assert.Empty(await db.Clients.IgnoreQueryFilters().ToListAsync());
        }

        // Told to replace it, the restore goes ahead and the result is the backup.
        var replaced = await new RestoreBackup(other.Options, () => other.Open(Viewer.System)).HandleAsync(Path.Combine(_folder, "backup"), replace: true);
        Assert.Empty(replaced.Refused);
        Assert.Empty(replaced.Problems);
        await using (var db = other.Open(Viewer.System))
        {
            Assert.Equal(replaced.Manifest!.Tables["Clients"], await db.Clients.IgnoreQueryFilters().LongCountAsync());
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Restore_OfADumpChangedAfterTheBackup_IsRefused(DatabaseProvider provider)
    {
        await using var source = await TestDatabase.CreateAsync(provider);
        var backup = await new TakeBackup(source.Options, TimeProvider.System).HandleAsync(Path.Combine(_folder, "backup"));
        var dump = Path.Combine(_folder, "backup", backup.Manifest!.DumpFile);
        await using (var file = new FileStream(dump, FileMode.Open, FileAccess.ReadWrite))
        {
            file.Seek(-10, SeekOrigin.End);
            file.WriteByte(0x42);
        }

        var target = EmptyTarget(provider, source.Options);
        var restored = await new RestoreBackup(target, () => Open(target)).HandleAsync(Path.Combine(_folder, "backup"), replace: false);

        Assert.Contains("SHA-256", Assert.Single(restored.Refused), StringComparison.Ordinal);
        if (provider == DatabaseProvider.Sqlite)
        {
            Assert.False(File.Exists(target.Path));
        }
    }

    [Fact]
    public async Task Backup_IntoAFolderThatIsNotEmpty_IsRefused()
    {
        await using var source = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        Directory.CreateDirectory(_folder);
        await File.WriteAllTextAsync(Path.Combine(_folder, "other.txt"), "not a backup");

        var backup = await new TakeBackup(source.Options, TimeProvider.System).HandleAsync(_folder);

        Assert.Null(backup.Manifest);
        Assert.Contains("not empty", Assert.Single(backup.Problems), StringComparison.Ordinal);
        Assert.Single(Directory.GetFiles(_folder));
    }

    private DatabaseOptions EmptyTarget(DatabaseProvider provider, DatabaseOptions source)
    {
        if (provider == DatabaseProvider.Sqlite)
        {
            return new DatabaseOptions { Provider = provider, Path = Path.Combine(_folder, "restored", "rapport.db"), KeyRingPath = source.KeyRingPath };
        }

        var admin = Environment.GetEnvironmentVariable(TestDatabase.PostgresVariable)!;
        _postgresTarget = $"rapport_restore_{Guid.NewGuid():N}";
        using (var connection = new NpgsqlConnection(admin))
        {
            connection.Open();
            using var create = new NpgsqlCommand($"CREATE DATABASE {_postgresTarget}", connection);
            create.ExecuteNonQuery();
        }

        return new DatabaseOptions
        {
            Provider = provider,
            ConnectionString = new NpgsqlConnectionStringBuilder(admin) { Database = _postgresTarget }.ConnectionString,
            KeyRingPath = source.KeyRingPath,
        };
    }

    private static RapportDb Open(DatabaseOptions options) =>
        new(RapportDatabase.StandaloneOptions(options), new FixedViewerSource(Viewer.System), new AuditContext(), TimeProvider.System);

    /// <summary>The restored database behind production's registrations, seen by <paramref name="viewer"/>.</summary>
    private static ServiceProvider Services(DatabaseOptions options, Viewer viewer)
    {
        var configuration = TestDatabase.ConfigurationFor(options);
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddRapportDatabase(configuration);
        services.AddRapportMail(configuration, development: false);
        services.AddRapportFeatures();
        services.Replace(ServiceDescriptor.Singleton(RapportDatabase.StandaloneOptions(options)));
        services.AddSingleton<IViewerSource>(new FixedViewerSource(viewer));
        return services.BuildServiceProvider();
    }

    private static async Task<DbConnection> ConnectAsync(DatabaseOptions options)
    {
        DbConnection connection = options.Provider == DatabaseProvider.Postgres
            ? new NpgsqlConnection(options.ConnectionString)
            : new SqliteConnection($"Data Source={Path.GetFullPath(options.Path)};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        return connection;
    }

    private static async Task<List<string>> RowsAsync(DbConnection connection, string table)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT * FROM {DatabaseSnapshot.Quote(table)}";
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            var cells = new string[reader.FieldCount];
            for (var i = 0; i < reader.FieldCount; i++)
            {
                var value = reader.GetValue(i);
                cells[i] = value is byte[] bytes ? Convert.ToBase64String(bytes) : Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
            }

            rows.Add(string.Join('\u001f', cells));
        }

        rows.Sort(StringComparer.Ordinal);
        return rows;
    }

    private static async Task<List<string?>> DecryptedAsync(RapportDb db, IEntityType entity, IProperty[] properties)
    {
        var read = typeof(BackupRoundTripTests).GetMethod(nameof(ReadAllAsync), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(entity.ClrType);
        var rows = await (Task<List<object>>)read.Invoke(null, [db])!;
        var keys = entity.FindPrimaryKey()!.Properties;
        return [.. rows
            .OrderBy(r => string.Join("|", keys.Select(k => Convert.ToString(k.GetGetter().GetClrValue(r), CultureInfo.InvariantCulture))), StringComparer.Ordinal)
            .SelectMany(r => properties.Select(p => (string?)p.GetGetter().GetClrValue(r)))];
    }

    private static async Task<List<object>> ReadAllAsync<T>(RapportDb db) where T : class =>
        [.. await db.Set<T>().IgnoreQueryFilters().AsNoTracking().ToListAsync()];

    public async ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        if (_postgresTarget is not null)
        {
            await using var connection = new NpgsqlConnection(Environment.GetEnvironmentVariable(TestDatabase.PostgresVariable));
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_postgresTarget} WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }

        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
