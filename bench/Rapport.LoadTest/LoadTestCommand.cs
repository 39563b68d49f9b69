using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Npgsql;
using Rapport.LoadTest.CheckIns;

namespace Rapport.LoadTest;

/// <summary>
/// <c>Rapport.LoadTest</c>: starts the real app (or targets <c>--url</c>) on loopback, seeds a synthetic practice through
/// the product's own seeding, drives the mix for <c>--duration</c> or <c>--requests</c>, then measures the same
/// database's raw durable insert rate at the same concurrency, and prints one table (docs/performance.md).
/// </summary>
internal static class LoadTestCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var url = new Option<Uri?>("--url") { Description = "Drive an app already running here (loopback only) instead of starting one; needs --practice." };
        var practice = new Option<string?>("--practice") { Description = "With --url: the slug of a practice seeded with `rapport demo seed --clients N --client-sign-ins`." };
        var firstAccount = new Option<int>("--first-account") { Description = "With --url: the first client{n} not yet checked in.", DefaultValueFactory = _ => 1 };
        var provider = new Option<string>("--provider") { Description = "sqlite or postgres.", DefaultValueFactory = _ => "sqlite" };
        var postgres = new Option<string?>("--postgres") { Description = "A PostgreSQL server with fsync on (e.g. Host=127.0.0.1;Port=55443;Username=postgres): each run makes its own database there." };
        var pgbouncer = new Option<int?>("--pgbouncer-port") { Description = "The app connects through pgbouncer (transaction pooling) on this loopback port instead of directly." };
        var clients = new Option<int>("--clients") { Description = "Clients checking in at once.", DefaultValueFactory = _ => 1 };
        var therapists = new Option<int?>("--therapists") { Description = "Therapists opening dashboards and client pages at once (default: clients / 10, at least 1)." };
        var fhir = new Option<int?>("--fhir") { Description = "FHIR readers at once (default: clients / 25, at least 1)." };
        var requests = new Option<long>("--requests") { Description = "Stop after this many requests.", DefaultValueFactory = _ => 1_000_000 };
        var duration = new Option<double>("--duration") { Description = "Stop after this many seconds.", DefaultValueFactory = _ => 60 };
        var accounts = new Option<int?>("--accounts") { Description = "Client accounts to seed (each checks in once: a PHQ-9 and a GAD-7). Default: 200 + 40 per concurrent client per minute." };
        var rawSeconds = new Option<double>("--raw-seconds") { Description = "How long to measure the raw durable insert rate.", DefaultValueFactory = _ => 15 };
        var rowBytes = new Option<int>("--row-bytes") { Description = "Payload of a raw insert: about one check-in answer's draft and audit entry.", DefaultValueFactory = _ => 600 };
        var folder = new Option<string?>("--folder") { Description = "Working folder for the run (database, key rings, logs, acknowledged.jsonl). Default: a new folder under /tmp." };
        var verify = new Option<bool>("--verify-audit") { Description = "After the run, `rapport audit verify` the database." };
        var warmup = new Option<double>("--warmup") { Description = "Seconds of the same mix first, not counted (JIT, caches, connection pools).", DefaultValueFactory = _ => 10 };
        var report = new Option<string?>("--report") { Description = "Append the result table (Markdown) to this file." };

        var root = new RootCommand("Rapport load test: the real app over loopback HTTP, with the database's raw durable insert rate in the same run.")
        {
            url, practice, firstAccount, provider, postgres, pgbouncer, clients, therapists, fhir, requests, duration, accounts, rawSeconds, rowBytes, folder, verify, report, warmup,
        };
        root.SetAction(async (parse, ct) =>
        {
            var options = new Settings(
                parse.GetValue(url), parse.GetValue(practice), parse.GetValue(firstAccount), parse.GetValue(provider)!.ToUpperInvariant() switch
                {
                    "SQLITE" => "Sqlite",
                    "POSTGRES" or "POSTGRESQL" => "Postgres",
                    var other => throw new ArgumentException($"--provider must be sqlite or postgres, not {other}."),
                },
                parse.GetValue(postgres), parse.GetValue(pgbouncer), parse.GetValue(clients), parse.GetValue(therapists), parse.GetValue(fhir), parse.GetValue(requests),
                TimeSpan.FromSeconds(parse.GetValue(duration)), parse.GetValue(accounts), TimeSpan.FromSeconds(parse.GetValue(rawSeconds)), parse.GetValue(rowBytes),
                parse.GetValue(folder), parse.GetValue(verify), parse.GetValue(report), TimeSpan.FromSeconds(parse.GetValue(warmup)));
            return await RunAsync(options, ct);
        });
        return await root.Parse(args).InvokeAsync();
    }

    internal sealed record Settings(Uri? Url, string? Practice, int FirstAccount, string Provider, string? Postgres, int? PgBouncerPort, int Clients, int? Therapists,
        int? Fhir, long Requests, TimeSpan Duration, int? Accounts, TimeSpan RawDuration, int RowBytes, string? Folder, bool VerifyAudit, string? Report, TimeSpan Warmup = default);

    internal static async Task<int> RunAsync(Settings s, CancellationToken ct)
    {
        if (s.Clients < 1 || s.Requests < 1 || s.Duration <= TimeSpan.Zero)
        {
            await Console.Error.WriteLineAsync("--clients, --requests and --duration must be positive.");
            return 2;
        }

        if (s.Url is { } target && !(target.IsLoopback && target.Scheme == Uri.UriSchemeHttp))
        {
            await Console.Error.WriteLineAsync("--url must be a loopback http:// address: the load test never leaves this machine.");
            return 2;
        }

        if (s.Provider == "Postgres" && s.Postgres is null)
        {
            await Console.Error.WriteLineAsync("--provider postgres needs --postgres (a server with fsync on).");
            return 2;
        }

        var folder = Path.GetFullPath(s.Folder ?? Path.Combine(Path.GetTempPath(), $"rapport-load-{DateTime.UtcNow:yyyyMMddHHmmss}-{s.Provider.ToLowerInvariant()}-{s.Clients}"));
        Directory.CreateDirectory(folder);
        var password = "load-" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));
        var accounts = s.Accounts ?? (int)Math.Min(200_000, 200 + (40 * s.Clients * Math.Ceiling(s.Duration.TotalMinutes)));
        var therapists = s.Therapists ?? Math.Max(1, s.Clients / 10);
        var fhirReaders = s.Fhir ?? Math.Max(1, s.Clients / 25);
        var load = File.ReadAllText("/proc/loadavg").Split(' ')[..3];

        string? database = null;
        string? appConnection = null;
        Process? app = null;
        RapportProcesses? processes = null;
        try
        {
            Uri baseUrl;
            string slug;
            if (s.Url is { } given)
            {
                baseUrl = given;
                slug = s.Practice ?? throw new ArgumentException("--url needs --practice.");
                password = Environment.GetEnvironmentVariable("RAPPORT_LOAD_PASSWORD") ?? "rapport-demo-2026";
            }
            else
            {
                var settings = new Dictionary<string, string>
                {
                    ["ASPNETCORE_ENVIRONMENT"] = "Development",
                    ["Demo__Seed"] = "false",
                    ["Database__Provider"] = s.Provider,
                    ["Database__Path"] = Path.Combine(folder, "data", "rapport.db"),
                    ["Database__KeyRingPath"] = Path.Combine(folder, "keys", "field-keys.json"),
                    // Every synthetic client signs in from 127.0.0.1: the per-address sign-in limit is for the internet, not this.
                    ["RateLimits__SignInPerMinute"] = "1000000",
                    ["Logging__LogLevel__Default"] = "Warning",
                };
                if (s.Provider == "Postgres")
                {
                    database = $"rapport_load_{DateTime.UtcNow:yyyyMMddHHmmss}_{s.Clients}";
                    await CreateDatabaseAsync(s.Postgres!, database, ct);
                    var direct = new NpgsqlConnectionStringBuilder(s.Postgres) { Database = database, MaxPoolSize = 100 };
                    settings["ConnectionStrings__Rapport"] = direct.ConnectionString;
                    appConnection = s.PgBouncerPort is { } bouncer ? PgBouncer.AppConnectionString(direct, bouncer) : direct.ConnectionString;
                }

                processes = new RapportProcesses(RapportProcesses.FindRepository(), folder, settings);
                Console.WriteLine($"Seeding {accounts} client accounts ({s.Provider}) in {folder} ...");
                slug = await processes.SeedAsync(accounts, password, ct);
                if (appConnection is not null)
                {
                    settings["ConnectionStrings__Rapport"] = appConnection;
                }

                (app, baseUrl) = await processes.StartAppAsync(ct);
            }

            using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 1000, PooledConnectionLifetime = TimeSpan.FromMinutes(30), AllowAutoRedirect = false };
            using var http = new HttpClient(handler) { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(60) };
            using var log = new AcknowledgedLog(Path.Combine(folder, "acknowledged.jsonl"));
            var latencies = new Latencies();
            var warmAccounts = s.Warmup > TimeSpan.Zero ? Math.Min(accounts / 4, s.Clients * 4) : 0;
            if (warmAccounts > 0)
            {
                Console.WriteLine($"Warming up for {s.Warmup.TotalSeconds:F0} s ...");
                await new LoadRun(http, new LoadPlan(slug, password, s.Clients, therapists, fhirReaders, warmAccounts, s.FirstAccount, long.MaxValue, s.Warmup), log, new Latencies())
                    .RunAsync(ct);
            }

            load = File.ReadAllText("/proc/loadavg").Split(' ')[..3];
            var plan = new LoadPlan(slug, password, s.Clients, therapists, fhirReaders, accounts - warmAccounts, s.FirstAccount + warmAccounts, s.Requests, s.Duration);
            Console.WriteLine($"Driving {baseUrl}: {s.Clients} clients checking in, {therapists} therapists, {fhirReaders} FHIR readers, for {s.Duration.TotalSeconds:F0} s or {s.Requests} requests (load {string.Join(' ', load)}) ...");
            var run = new LoadRun(http, plan, log, latencies);
            var cpuBefore = CpuUse.Sample(app);
            await run.RunAsync(ct);
            var cpu = CpuUse.Sample(app).Since(cpuBefore);
            var loadAfter = File.ReadAllText("/proc/loadavg").Split(' ')[..3];

            (long Rows, double PerSecond) raw;
            if (s.Provider == "Postgres")
            {
                var rawDatabase = database is null ? "rapport_load_raw" : database + "_raw";
                await CreateDatabaseAsync(s.Postgres!, rawDatabase, ct);
                try
                {
                    raw = await RawInserts.PostgresAsync(new NpgsqlConnectionStringBuilder(s.Postgres) { Database = rawDatabase }.ConnectionString, s.Clients, s.RowBytes, s.RawDuration, ct);
                }
                finally
                {
                    await DropDatabaseAsync(s.Postgres!, rawDatabase, ct);
                }
            }
            else
            {
                var rawPath = Path.Combine(folder, "data", "raw-inserts.db");
                Directory.CreateDirectory(Path.GetDirectoryName(rawPath)!);
                raw = await RawInserts.SqliteAsync(rawPath, s.Clients, s.RowBytes, s.RawDuration, ct);
            }

            var answers = latencies.Count("check-in answer");
            var writesPerSecond = answers / run.Elapsed.TotalSeconds;
            var text = Report(s, run, latencies, raw.PerSecond, writesPerSecond, load, loadAfter, therapists, fhirReaders, answers) + cpu.Describe(latencies.Requests, answers);
            Console.WriteLine(text);
            if (s.Report is { } reportPath)
            {
                await File.AppendAllTextAsync(reportPath, text + Environment.NewLine, ct);
            }

            if (s.VerifyAudit && processes is not null)
            {
                var verified = await processes.RunCliAsync(["audit", "verify"], ct);
                Console.WriteLine($"rapport audit verify: {verified.Trim()}");
            }

            if (latencies.Errors > 0)
            {
                foreach (var sample in latencies.ErrorSamples)
                {
                    Console.WriteLine("  " + sample);
                }
            }

            return latencies.Errors == 0 && answers > 0 ? 0 : 1;
        }
        finally
        {
            if (app is not null)
            {
                app.Kill(entireProcessTree: true);
                await app.WaitForExitAsync(CancellationToken.None);
                app.Dispose();
            }
        }
    }

    private static string Report(Settings s, LoadRun run, Latencies latencies, double rawPerSecond, double writesPerSecond, string[] loadBefore, string[] loadAfter,
        int therapists, int fhirReaders, int acknowledged)
    {
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        var via = s.PgBouncerPort is null ? "" : " via pgbouncer (transaction pooling)";
        text.AppendLine(inv, $"### {s.Provider}{via}, {s.Clients} concurrent clients ({therapists} therapists, {fhirReaders} FHIR readers), {run.Elapsed.TotalSeconds:F0} s, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        text.AppendLine(inv, $"load average before {string.Join(' ', loadBefore)}, after {string.Join(' ', loadAfter)}; {Environment.ProcessorCount} cores");
        text.AppendLine();
        text.AppendLine("| kind | ok | errors | p50 ms | p95 ms | p99 ms | per s |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var k in latencies.Summaries(run.Elapsed))
        {
            text.AppendLine(inv, $"| {k.Kind} | {k.Ok} | {k.Errors} | {k.P50:F1} | {k.P95:F1} | {k.P99:F1} | {k.PerSecond:F1} |");
        }

        text.AppendLine();
        text.AppendLine(inv, $"requests {latencies.Requests} ({latencies.Requests / run.Elapsed.TotalSeconds:F1}/s), errors {latencies.Errors}; check-ins completed {run.CheckInsDone}; acknowledged answers {acknowledged}{(run.AccountsExhausted ? " (ran out of seeded accounts: raise --accounts)" : "")}");
        text.AppendLine(inv, $"**check-in writes/s {writesPerSecond:F1} · raw durable inserts/s {rawPerSecond:F1} (same database, {s.Clients} at once, {s.RowBytes}-byte rows) · ratio {writesPerSecond / rawPerSecond:F3}**");
        return text.ToString();
    }

    private static async Task CreateDatabaseAsync(string server, string database, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Database = "postgres", Pooling = false }.ConnectionString);
        await connection.OpenAsync(ct);
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", connection);
        await create.ExecuteNonQueryAsync(ct);
    }

    private static async Task DropDatabaseAsync(string server, string database, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Database = "postgres", Pooling = false }.ConnectionString);
        await connection.OpenAsync(ct);
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync(ct);
    }
}
