using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Rapport.Access;
using Rapport.Accounts;
using Rapport.Audit;
using Rapport.Caseload;
using Rapport.Demo;
using Rapport.Clinical.ExpectedResponse;
using Rapport.Clinical.Instruments;
using Rapport.Clinical.Simulation;
using Rapport.Measures;
using Rapport.Persistence;
using Rapport.Progress;

namespace Rapport.Benchmarks.Dashboard;

/// <summary>
/// The therapist's dashboard (<see cref="GetCaseload"/>) for one 100-client caseload, as a request runs it (a new
/// DbContext, relationship filters, signals over each client's series), in a SQLite database filled by the same code
/// as <c>rapport demo seed --clients N --sessions 4</c>: 10,000 clients (≈120,000 responses) against 100,000 clients
/// (≈1,200,000 responses). Budget: p95 ≤ 30 ms, and the large database no more than 1.2× the small one.
/// The databases are built once into RAPPORT_BENCH_DATA (default: the temp folder) and reused.
/// </summary>
[Config(typeof(Percentiles))]
public class DashboardBenchmark
{
    private sealed class Percentiles : ManualConfig
    {
        public Percentiles()
        {
            AddColumn(StatisticColumn.P95);
            // In process: the benchmark opens real database files and needs the app's migrations assembly beside it.
            // 15 warm-ups (120 calls) so tiered JIT has promoted the hot code before the first parameter is measured.
            AddJob(Job.Default.WithWarmupCount(15).WithIterationCount(20).WithInvocationCount(8).WithUnrollFactor(1)
                .WithToolchain(BenchmarkDotNet.Toolchains.InProcess.Emit.InProcessEmitToolchain.Instance));
        }
    }

    private DatabaseOptions _options = null!;
    private InstrumentSource _instruments = null!;
    private Viewer _therapist = null!;

    [Params(10_000, 100_000)]
    public int Clients { get; set; }

    /// <summary>SQLite always; PostgreSQL too when RAPPORT_BENCH_POSTGRES holds a server's connection string.</summary>
    [ParamsSource(nameof(Providers))]
    public DatabaseProvider Provider { get; set; }

    public static IEnumerable<DatabaseProvider> Providers =>
        Environment.GetEnvironmentVariable("RAPPORT_BENCH_POSTGRES") is { Length: > 0 }
            ? [DatabaseProvider.Sqlite, DatabaseProvider.Postgres]
            : [DatabaseProvider.Sqlite];

    [GlobalSetup]
    public void Setup()
    {
        var folder = Environment.GetEnvironmentVariable("RAPPORT_BENCH_DATA") ?? Path.Combine(Path.GetTempPath(), "rapport-bench");
        Directory.CreateDirectory(folder);
        _options = Provider == DatabaseProvider.Postgres
            ? new DatabaseOptions
            {
                Provider = DatabaseProvider.Postgres,
                ConnectionString = new Npgsql.NpgsqlConnectionStringBuilder(Environment.GetEnvironmentVariable("RAPPORT_BENCH_POSTGRES")) { Database = $"rapport_bench_dashboard_{Clients}" }.ConnectionString,
                KeyRingPath = Path.Combine(folder, "keys", "field-keys.json"),
            }
            : new DatabaseOptions { Provider = DatabaseProvider.Sqlite, Path = Path.Combine(folder, $"dashboard-{Clients}.db") };
        _instruments = new InstrumentSource(InstrumentSource.FolderFor(_options));
        using (var db = Open(Viewer.System))
        {
            RapportDatabase.MigrateAsync(db, _options).GetAwaiter().GetResult();
            if (!db.Practices.Any(p => p.Slug.StartsWith("bench-")))
            {
                new LargePractice(() => Open(Viewer.System), new PasswordHasher<RapportUser>(), TimeProvider.System)
                    .SeedAsync(Clients, 4, DemoData.DefaultPassword).GetAwaiter().GetResult();
            }

            var user = db.Users.Where(u => u.Email!.StartsWith("therapist1@bench-")).OrderBy(u => u.Email).First();
            StoreFittedModel(db, user.PracticeId);
            _therapist = new Viewer { UserId = user.Id, PracticeId = user.PracticeId, StaffMemberId = user.StaffMemberId, Roles = Rapport.Staff.StaffRoles.Therapist };
            Console.WriteLine($"// {Clients} clients, {db.MeasureResponses.Count()} responses in {(Provider == DatabaseProvider.Postgres ? "PostgreSQL" : _options.Path)}");
        }
    }

    [Benchmark]
    public async Task<int> Dashboard()
    {
        await using var db = Open(_therapist);
        // A new cache each time: every dashboard pays the practice model's look-up, as on a cold instance.
        var rows = await new GetCaseload(db, TimeProvider.System, new ExpectedModelCache(TimeProvider.System), _instruments).HandleAsync();
        return rows.Count;
    }

    /// <summary>What the practice's model adds to each dashboard: a new context, the look-up of its rows and their restore.</summary>
    [Benchmark]
    public async Task<bool> PracticeModelLookup()
    {
        await using var db = Open(_therapist);
        var models = await ExpectedModels.LoadAsync(db, _therapist.PracticeId, new ExpectedModelCache(TimeProvider.System));
        return models.IsFitted("phq-9");
    }

    /// <summary>
    /// The synthetic practice has no finished episodes, so give it the row the background refit leaves for a practice
    /// that has them (fitted on a simulated cohort): every dashboard then pays the real look-up and restore of the
    /// practice's model (no in-memory cache here, as on a cold instance).
    /// </summary>
    private static void StoreFittedModel(RapportDb db, Guid practiceId)
    {
        if (db.PracticeExpectedModels.Any(m => m.PracticeId == practiceId && m.ParametersJson != null))
        {
            return;
        }

        // An app started on this database leaves the refit job's unfitted rows (one per instrument, unique): replace them.
        db.PracticeExpectedModels.RemoveRange(db.PracticeExpectedModels.Where(m => m.PracticeId == practiceId));
        var now = DateTime.UtcNow;
        foreach (var id in EpisodeProgress.OutcomeInstruments)
        {
            var instrument = InstrumentCatalog.Get(id);
            var model = (RegressionModel)ExpectedResponseModel.ForPractice(instrument, [.. OutcomeCohort.Generate(instrument, 400, 1).Select(e => e.Series)]);
            db.PracticeExpectedModels.Add(new PracticeExpectedModel
            {
                PracticeId = practiceId, InstrumentId = id, Episodes = model.Episodes, CheckedAt = now, FittedAt = now,
                Tolerance = model.Tolerance, Description = model.Source, ParametersJson = model.ToParameters().ToJson(),
            });
        }

        db.SaveChanges();
    }

    private RapportDb Open(Viewer viewer) => new(RapportDatabase.StandaloneOptions(_options), new FixedViewerSource(viewer), new AuditContext(), TimeProvider.System);
}
