using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Time.Testing;
using Rapport.Access;
using Rapport.Alerts;
using Rapport.Email;
using Rapport.Jobs;
using Rapport.Listening;
using Rapport.Persistence;
using Rapport.Reminders;
using Rapport.Tests.Listening;

namespace Rapport.Tests.Jobs;

/// <summary>
/// Issue 13 item 3: two app instances on one database (each its own container, contexts, mailer and worker names, as
/// two processes would have) run every background job's due item exactly once, also when they run it at the same moment.
/// </summary>
public sealed class TwoInstancesTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Escalation_RunByTwoInstancesAtOnce_MailsEachWaitingAlertOnce(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        int waiting, atHarbour;
        var cutoff = DateTime.UtcNow - EscalateRiskAlerts.After;
        await using (var db = database.Open(Viewer.System))
        {
            var harbour = await db.Practices.SingleAsync(p => p.Slug == "harbour");
            harbour.OnCallEmail = "oncall@harbour.example";
            await db.SaveChangesAsync();
            waiting = await db.RiskAlerts.CountAsync(a => a.AcknowledgedAt == null && a.EscalatedAt == null && a.RaisedAt <= cutoff);
            atHarbour = await db.RiskAlerts.CountAsync(a => a.AcknowledgedAt == null && a.EscalatedAt == null && a.RaisedAt <= cutoff && a.PracticeId == harbour.Id);
        }

        Assert.True(waiting > 1, "the demo has several unacknowledged alerts to share out");
        await using var a = new Instance(database.Options);
        await using var b = new Instance(database.Options);

        var rounds = new List<int>();
        for (var round = 0; round < 3; round++)
        {
            rounds.AddRange(await Task.WhenAll(a.RunAsync<EscalateRiskAlerts, int>(e => e.HandleAsync()), b.RunAsync<EscalateRiskAlerts, int>(e => e.HandleAsync())));
        }

        Assert.Equal(waiting, rounds.Sum());
        var sent = a.Mailer.Sent.Concat(b.Mailer.Sent).ToList();
        // Each of Harbour's alerts goes once to its on-call address: as many on-call mails as alerts, none repeated.
        Assert.Equal(atHarbour, sent.Count(m => m.To == "oncall@harbour.example"));
        await using (var db = database.Open(Viewer.System))
        {
            Assert.Equal(0, await db.RiskAlerts.CountAsync(a => a.AcknowledgedAt == null && a.EscalatedAt == null && a.RaisedAt <= cutoff));
            Assert.Equal(0, await db.RiskAlerts.CountAsync(a => a.LeaseOwner != null));
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Reminders_RunByTwoInstancesAtOnce_SendOneReminderPerDueCheckIn(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        // Midday in London tomorrow: outside the default quiet hours whatever time the tests run.
        var clock = new FakeTimeProvider(new DateTimeOffset(DateTime.UtcNow.Date.AddDays(1).AddHours(12), TimeSpan.Zero));
        await using var a = new Instance(database.Options, clock);
        await using var b = new Instance(database.Options, clock);

        var sent = (await Task.WhenAll(a.RunAsync<SendCheckInReminders, int>(r => r.HandleAsync()), b.RunAsync<SendCheckInReminders, int>(r => r.HandleAsync()))).Sum();
        sent += (await Task.WhenAll(a.RunAsync<SendCheckInReminders, int>(r => r.HandleAsync()), b.RunAsync<SendCheckInReminders, int>(r => r.HandleAsync()))).Sum();

        Assert.True(sent > 0);
        var mails = a.Mailer.Sent.Concat(b.Mailer.Sent).ToList();
        Assert.Equal(sent, mails.Count);
        await using var db = database.Open(Viewer.System);
        var due = await db.CheckInReminders.Select(r => new { r.ClientId, r.EpisodeId }).Distinct().CountAsync();
        Assert.Equal(due, mails.Count);
        Assert.Equal(mails.Count, mails.Select(m => m.To).Count());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AQueuedTranscript_SeenByTwoInstances_IsCodedByOne(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var sessionId = await TranscriptTests.FirstAttendedSessionAsync(database, Personas.Client3);
        await TranscriptTests.ConsentAsync(database, Personas.Client3);
        Guid id;
        await using (var therapist = await database.As(Personas.Therapist1))
        {
            id = (await therapist.Get<UploadTranscript>().HandleAsync(sessionId, "session.txt", TranscriptTests.Text(TranscriptTests.Session), null)).Value!.Id;
        }

        await using var a = new Instance(database.Options);
        await using var b = new Instance(database.Options);

        var coded = await Task.WhenAll(a.Worker.AnalyseAsync(id, CancellationToken.None), b.Worker.AnalyseAsync(id, CancellationToken.None));

        Assert.Single(coded, c => c);
        await using var db = database.Open(Viewer.System);
        var transcript = await db.SessionTranscripts.SingleAsync(t => t.Id == id);
        Assert.Equal(TranscriptStatus.Analysed, transcript.Status);
        Assert.Null(transcript.LeaseOwner);
        Assert.False(await b.Worker.AnalyseAsync(id, CancellationToken.None), "an analysed transcript is not coded again");
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ARound_ClaimedByTwoInstancesAtOnce_IsRunByOne_UntilItsLeaseLapses(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider, seedDemo: false);
        var now = DateTime.UtcNow;
        var length = TimeSpan.FromMinutes(13.5);

        var claims = await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            await using var db = database.Open(Viewer.System);
            return await JobClaim.TryClaimRoundAsync(db, "AuditCheckpointJob", JobLease.NewOwner(), now, length, CancellationToken.None);
        }));

        Assert.Single(claims, c => c);
        await using (var db = database.Open(Viewer.System))
        {
            Assert.False(await JobClaim.TryClaimRoundAsync(db, "AuditCheckpointJob", JobLease.NewOwner(), now + length - TimeSpan.FromSeconds(1), length, CancellationToken.None));
            Assert.True(await JobClaim.TryClaimRoundAsync(db, "ExpectedModelRefresh", JobLease.NewOwner(), now, length, CancellationToken.None), "another job's round is its own");
            Assert.True(await JobClaim.TryClaimRoundAsync(db, "AuditCheckpointJob", JobLease.NewOwner(), now + length + TimeSpan.FromSeconds(1), length, CancellationToken.None));
        }
    }

    /// <summary>One app instance: production's registrations over the shared database, with its own mailer and clock.</summary>
    private sealed class Instance : IAsyncDisposable
    {
        private readonly ServiceProvider _services;

        public Instance(DatabaseOptions options, TimeProvider? clock = null)
        {
            var configuration = TestDatabase.ConfigurationFor(options);
            var services = new ServiceCollection();
            services.AddSingleton<IConfiguration>(configuration);
            services.AddLogging();
            services.AddSingleton<IHostApplicationLifetime, ApplicationLifetime>();
            services.AddSingleton(clock ?? TimeProvider.System);
            services.AddRapportDatabase(configuration);
            services.AddRapportMail(configuration, development: false);
            services.AddRapportFeatures();
            services.Replace(ServiceDescriptor.Singleton<IMailer>(Mailer));
            services.AddScoped<IViewerSource, ScopedViewer>();
            _services = services.BuildServiceProvider();
        }

        public RecordingMailer Mailer { get; } = new();

        public TranscriptAnalysisWorker Worker => _services.GetServices<IHostedService>().OfType<TranscriptAnalysisWorker>().Single();

        /// <summary>One round of a job's feature, as the job runs it: resolved in a new scope for the system viewer.</summary>
        public async Task<TResult> RunAsync<TFeature, TResult>(Func<TFeature, Task<TResult>> round) where TFeature : notnull
        {
            await using var scope = _services.CreateViewerScope(Viewer.System);
            return await round(scope.ServiceProvider.GetRequiredService<TFeature>());
        }

        public ValueTask DisposeAsync() => _services.DisposeAsync();

        private sealed class ScopedViewer(ScopeViewer scope) : IViewerSource
        {
            public Viewer Current => scope.Viewer ?? Viewer.Anonymous;
        }
    }
}
