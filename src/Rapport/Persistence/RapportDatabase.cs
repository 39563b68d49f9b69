using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Privacy;

namespace Rapport.Persistence;

public static class RapportDatabase
{
    public const string SqliteMigrationsAssembly = "Rapport.Migrations.Sqlite";
    public const string PostgresMigrationsAssembly = "Rapport.Migrations.Postgres";

    /// <summary>Reads <see cref="DatabaseOptions"/> from the configuration keys both the app and the CLI use.</summary>
    public static DatabaseOptions ReadOptions(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new DatabaseOptions();
        configuration.GetSection("Database").Bind(options);
        options.ConnectionString ??= configuration.GetConnectionString("Rapport");
        return options;
    }

    public static void Configure(DbContextOptionsBuilder builder, DatabaseOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        switch (options.Provider)
        {
            case DatabaseProvider.Postgres:
                if (string.IsNullOrWhiteSpace(options.ConnectionString))
                {
                    throw new InvalidOperationException(
                        "Database:Provider is Postgres but ConnectionStrings:Rapport is empty. Set it, e.g. ConnectionStrings__Rapport=\"Host=...;Database=rapport;Username=...;Password=...\".");
                }

                builder.UseNpgsql(options.ConnectionString, o => o.MigrationsAssembly(PostgresMigrationsAssembly));
                break;
            default:
                builder.UseSqlite(options.SqliteConnectionString(), o => o.MigrationsAssembly(SqliteMigrationsAssembly));
                builder.AddInterceptors(SqliteDurability.Instance);
                break;
        }

        builder.AddInterceptors(Telemetry.MetricsInterceptor.Instance);
        ((IDbContextOptionsBuilderInfrastructure)builder).AddOrUpdateExtension(new FieldEncryptionOptions(FieldKeyRing.For(options.ResolvedKeyRingPath())));
        builder.ReplaceService<IModelCacheKeyFactory, RingAwareModelCacheKeyFactory>();

        // Each relationship filter is applied on purpose to the entity it protects; EF's warning that a
        // filtered principal may hide its dependents describes exactly the behaviour we want.
        builder.ConfigureWarnings(w => w.Ignore(CoreEventId.PossibleIncorrectRequiredNavigationWithQueryFilterInteractionWarning));
    }

    /// <summary>
    /// Options for code that builds a <see cref="RapportDb"/> outside the app (migrations tooling, the CLI,
    /// tests): the Identity schema version (v3, with passkeys) must match the app's, or EF sees a different model.
    /// </summary>
    public static DbContextOptions<RapportDb> StandaloneOptions(DatabaseOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        // Options are immutable: one per database, so EF builds its internal services and model once, not per context.
        var where = options.Provider == DatabaseProvider.Sqlite ? Path.GetFullPath(options.Path) : options.ConnectionString ?? "";
        return StandaloneCache.GetOrAdd((options.Provider, where, options.ResolvedKeyRingPath()), _ => BuildStandaloneOptions(options));
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(DatabaseProvider, string, string), DbContextOptions<RapportDb>> StandaloneCache = new();

    private static DbContextOptions<RapportDb> BuildStandaloneOptions(DatabaseOptions options)
    {
        var services = new ServiceCollection();
        services.Configure<IdentityOptions>(o => o.Stores.SchemaVersion = IdentitySchemaVersions.Version3);
        var builder = new DbContextOptionsBuilder<RapportDb>();
        builder.UseApplicationServiceProvider(services.BuildServiceProvider());
        Configure(builder, options);
        return builder.Options;
    }

    public static IServiceCollection AddRapportDatabase(this IServiceCollection services, IConfiguration configuration)
    {
        var options = ReadOptions(configuration);
        services.AddSingleton(options);
        services.AddDbContext<RapportDb>(b => Configure(b, options));
        return services;
    }

    /// <summary>Creates the SQLite folder if needed and applies every pending migration.</summary>
    public static async Task MigrateAsync(RapportDb db, DatabaseOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Provider == DatabaseProvider.Sqlite)
        {
            // A new folder is 0700, so nobody else can reach the file even before its mode is set below.
            OwnerOnlyFiles.CreateFolderFor(System.IO.Path.GetFullPath(options.Path));
        }

        await db.Database.MigrateAsync(cancellationToken);
        if (options.Provider == DatabaseProvider.Sqlite)
        {
            // Owner-only (0600); SQLite gives -wal and -shm files it creates later the database file's mode.
            var path = System.IO.Path.GetFullPath(options.Path);
            OwnerOnlyFiles.Restrict(path, path + "-wal", path + "-shm");
        }
        if (options.Provider == DatabaseProvider.Postgres)
        {
            await db.Database.ExecuteSqlRawAsync(AuditAppendOnlySql, cancellationToken);
        }

        // Free text written before its field was encrypted is encrypted now, with the key ring the migrations lack.
        await EncryptPlaintextFields.RunAsync(db, cancellationToken);
    }

    // The database itself refuses to rewrite the audit trail (HIPAA 164.312(c)(1)), whatever the application does.
    // Applied after the migrations rather than inside one, so regenerating the migrations cannot lose it; idempotent.
    // A superuser can still disable it: the hash chain (rapport audit verify) is what catches that.
    private const string AuditAppendOnlySql = """
        CREATE OR REPLACE FUNCTION rapport_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'Audit entries are append-only: % is not allowed', TG_OP;
        END $$;
        DROP TRIGGER IF EXISTS audit_append_only ON "AuditEntries";
        CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON "AuditEntries" FOR EACH ROW EXECUTE FUNCTION rapport_audit_append_only();
        DROP TRIGGER IF EXISTS audit_no_truncate ON "AuditEntries";
        CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON "AuditEntries" FOR EACH STATEMENT EXECUTE FUNCTION rapport_audit_append_only();
        """;
}
