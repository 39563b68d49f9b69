using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Rapport.Access;
using Rapport.Persistence;
using Rapport.Alerts;
using Rapport.Audit;
using Rapport.Progress;
using Rapport.Reminders;
using Rapport.Web.Access;
using Rapport.Web.Jobs;
using Rapport.Web.Tests.Support;

namespace Rapport.Web.Tests.Startup;

/// <summary>
/// Escalation, reminders and the model refit all run on <see cref="SystemJob"/>: a round on every interval, as the
/// system viewer, and one failed round (a database or mail server down) must never stop the ones after it.
/// </summary>
public sealed class SystemJobTests : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(10);

    // Real time: a round that never comes fails the test instead of hanging it.
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(30));

    [Fact]
    public async Task ARoundThatFails_DoesNotStopTheNextOne()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var services = Services();
        using var job = new CountingJob(services, clock, failFirst: true, firstRoundAfter: null);
        await job.StartAsync(_timeout.Token);
        await job.TimerStarted.Task.WaitAsync(_timeout.Token);

        clock.Advance(Interval - TimeSpan.FromSeconds(1));
        Assert.False(job.Rounds.Reader.TryRead(out _), "no round before the first interval: start-up is not raced");

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await job.Rounds.Reader.ReadAsync(_timeout.Token));
        clock.Advance(Interval);
        Assert.Equal(2, await job.Rounds.Reader.ReadAsync(_timeout.Token));
        Assert.True(job.SawSystemViewer);

        await job.StopAsync(_timeout.Token);
    }

    [Fact]
    public async Task AnEarlierFirstRound_RunsThenTheIntervalTakesOver()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var services = Services();
        using var job = new CountingJob(services, clock, failFirst: false, firstRoundAfter: TimeSpan.Zero);
        await job.StartAsync(_timeout.Token);

        Assert.Equal(1, await job.Rounds.Reader.ReadAsync(_timeout.Token));
        clock.Advance(Interval);
        Assert.Equal(2, await job.Rounds.Reader.ReadAsync(_timeout.Token));

        await job.StopAsync(_timeout.Token);
    }

    public void Dispose() => _timeout.Dispose();

    [Fact]
    public async Task EachJobsFeature_ResolvesFromTheAppsContainer_AndSeesTheSystemViewer()
    {
        await using var app = new RapportApp();
        _ = app.Server;
        await using var scope = app.Services.CreateViewerScope(Viewer.System);
        var scoped = scope.ServiceProvider;

        // No 30-second timeout here: a real round over the demo practices (the refit reads every finished episode).
        Assert.True(scoped.GetRequiredService<RapportDb>().Viewer.IsSystem);
        await scoped.GetRequiredService<EscalateRiskAlerts>().HandleAsync();
        await scoped.GetRequiredService<SendCheckInReminders>().HandleAsync();
        await scoped.GetRequiredService<RefitExpectedModels>().HandleAsync(TimeSpan.FromHours(24));
    }

    // The host's own viewer source, so the test sees what a job's round sees in production.
    private static ServiceProvider Services() => new ServiceCollection()
        .AddSingleton(new DbContextOptionsBuilder<RapportDb>().UseSqlite("Data Source=:memory:").Options)
        .AddHttpContextAccessor()
        .AddScoped<ScopeViewer>()
        .AddScoped<IViewerSource, HttpViewerSource>()
        .AddScoped<AuditContext>()
        .AddSingleton(TimeProvider.System)
        .AddScoped<RapportDb>()
        .BuildServiceProvider();

    private sealed class CountingJob(IServiceProvider services, TimeProvider clock, bool failFirst, TimeSpan? firstRoundAfter)
        : SystemJob(services, clock, NullLogger.Instance)
    {
        private int _round;

        public Channel<int> Rounds { get; } = Channel.CreateUnbounded<int>();

        public bool SawSystemViewer { get; private set; }

        protected override TimeSpan? Interval => SystemJobTests.Interval;

        /// <summary>Set when the job reads <see cref="FirstRoundAfter"/>, which it does just after creating its timer.</summary>
        public TaskCompletionSource TimerStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        protected override TimeSpan? FirstRoundAfter
        {
            get
            {
                TimerStarted.TrySetResult();
                return firstRoundAfter;
            }
        }

        protected override Task RunRoundAsync(IServiceProvider scoped, CancellationToken cancellationToken)
        {
            var round = ++_round;
            SawSystemViewer = scoped.GetRequiredService<RapportDb>().Viewer.IsSystem;
            Rounds.Writer.TryWrite(round);
            return failFirst && round == 1 ? throw new InvalidOperationException("database down") : Task.CompletedTask;
        }
    }
}
