using System.CommandLine;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration;
using Rapport.Access;
using Rapport.Accounts;
using Rapport.Audit;
using Rapport.Demo;
using Rapport.Persistence;

namespace Rapport.Cli;

/// <summary>
/// <c>rapport db migrate</c> and <c>rapport demo seed</c>. They read the same settings as the app:
/// <c>Database__Provider</c>, <c>Database__Path</c>, <c>ConnectionStrings__Rapport</c> from the environment,
/// overridden by <c>--database</c> (a SQLite file) or <c>--postgres</c> (a connection string).
/// </summary>
public static class DatabaseCommands
{
    internal static readonly Option<string?> DatabaseOption = new("--database") { Description = "SQLite database file (default: data/rapport.db under the working directory)." };
    internal static readonly Option<string?> PostgresOption = new("--postgres") { Description = "PostgreSQL connection string; selects PostgreSQL." };

    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var db = new Command("db", "Database maintenance.");
        var migrate = new Command("migrate", "Create the database if needed and apply every pending migration.");
        migrate.Options.Add(DatabaseOption);
        migrate.Options.Add(PostgresOption);
        migrate.SetAction(async (parse, ct) =>
        {
            var options = Options(parse);
            await using var rapportDb = Open(options);
            await RapportDatabase.MigrateAsync(rapportDb, options, ct);
            await context.Output.WriteLineAsync($"Database is up to date ({Describe(options)}).");
            return 0;
        });
        db.Subcommands.Add(migrate);
        return db;
    }

    public static Command CreateDemo(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var demo = new Command("demo", "Synthetic demo data.");
        var seed = new Command("seed", "Without options: the two demo practices, if the database is empty. With --clients: a large synthetic practice for benchmarks.");
        var clients = new Option<int?>("--clients") { Description = "Clients in a large synthetic practice (one therapist per 100)." };
        var sessions = new Option<int>("--sessions") { Description = "Attended sessions per client, each with a PHQ-9 and a GAD-7.", DefaultValueFactory = _ => 10 };
        var signIns = new Option<bool>("--client-sign-ins") { Description = "With --clients: every client gets a sign-in (client{n}@{slug}.example) with a check-in due, for the load test." };
        var password = new Option<string>("--password") { Description = "Password for every demo sign-in.", DefaultValueFactory = _ => DemoData.DefaultPassword };
        seed.Options.Add(DatabaseOption);
        seed.Options.Add(PostgresOption);
        seed.Options.Add(clients);
        seed.Options.Add(sessions);
        seed.Options.Add(signIns);
        seed.Options.Add(password);
        seed.SetAction(async (parse, ct) =>
        {
            var options = Options(parse);
            var count = parse.GetValue(clients);
            var perClient = parse.GetValue(sessions);
            if (count is < 1 || perClient < 1)
            {
                await context.Error.WriteLineAsync("--clients and --sessions must be at least 1.");
                return RapportCli.InvalidInput;
            }

            await using (var migrateDb = Open(options))
            {
                await RapportDatabase.MigrateAsync(migrateDb, options, ct);
            }

            var hasher = new PasswordHasher<RapportUser>();
            var pass = parse.GetValue(password) ?? DemoData.DefaultPassword;
            if (count is { } n)
            {
                var started = System.Diagnostics.Stopwatch.StartNew();
                var result = await new LargePractice(() => Open(options), hasher, TimeProvider.System).SeedAsync(n, perClient, pass, parse.GetValue(signIns), cancellationToken: ct);
                await context.Output.WriteLineAsync(
                    $"Created {result.Clients} clients, {result.Therapists} therapists, {result.Sessions} sessions and {result.Responses} responses in practice '{result.Slug}' in {started.Elapsed.TotalSeconds:F1} s ({Describe(options)}).");
                await context.Output.WriteLineAsync($"Sign in as therapist1@{result.Slug}.example with the demo password.");
                return 0;
            }

            await using var db = Open(options);
            var seeded = await new DemoData(db, hasher, TimeProvider.System).SeedIfEmptyAsync(pass, ct);
            if (seeded)
            {
                // Queued like uploads: the app codes them when it starts.
                await new DemoTranscripts(db, TimeProvider.System).SeedIfMissingAsync(ct);
            }

            await context.Output.WriteLineAsync(seeded ? $"Demo practices created ({Describe(options)})." : "The database already has data; nothing was added.");
            return 0;
        });
        demo.Subcommands.Add(seed);
        return demo;
    }

    internal static DatabaseOptions Options(ParseResult parse)
    {
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        var options = RapportDatabase.ReadOptions(configuration);
        if (parse.GetValue(PostgresOption) is { Length: > 0 } connection)
        {
            options.Provider = DatabaseProvider.Postgres;
            options.ConnectionString = connection;
        }
        else if (parse.GetValue(DatabaseOption) is { Length: > 0 } path)
        {
            options.Provider = DatabaseProvider.Sqlite;
            options.Path = path;
        }

        return options;
    }

    internal static RapportDb Open(DatabaseOptions options) =>
        new(RapportDatabase.StandaloneOptions(options), new FixedViewerSource(Viewer.System), new AuditContext(), TimeProvider.System);

    internal static string Describe(DatabaseOptions options) =>
        options.Provider == DatabaseProvider.Sqlite ? $"SQLite: {Path.GetFullPath(options.Path)}" : "PostgreSQL";
}
