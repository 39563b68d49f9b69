using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Rapport.Access;
using Rapport.Audit;
using Rapport.Persistence;
using Rapport.Alerts;
using Rapport.CheckIns;
using Rapport.Web.Tests.Support;

namespace Rapport.Web.Tests.Startup;

/// <summary>
/// Issue 13 item 8: Rapport's own metrics are served at /metrics to a practice admin (or the machine itself), and the
/// logs of a realistic flow (a client's whole check-in with a risk answer and a note, the therapist's dashboard and
/// acknowledgement) carry no name, email or free text of anyone in the demo.
/// </summary>
public sealed class TelemetryTests
{
    private const string Note = "Sentinel note: my sister Marguerite moved in with the parrot";

    [Fact]
    public async Task ARealisticFlow_IsCountedInMetrics_AndItsLogsHoldNoNamesOrFreeText()
    {
        var logs = new CapturingLoggerProvider();
        using var baseApp = new RapportApp();
        await using var app = baseApp.WithWebHostBuilder(b => b.ConfigureLogging(l =>
        {
            l.AddProvider(logs);
            // Everything, from every category (a rule for this provider outranks appsettings' per-category levels).
            l.AddFilter<CapturingLoggerProvider>(null, LogLevel.Debug);
        }));

        // The client answers today's whole check-in (weight 1 everywhere: PHQ-9 item 9 raises a risk alert) and leaves a note.
        var client = await ViewerForAsync(app, Personas.Client5);
        await using (var scope = app.Services.CreateViewerScope(client))
        {
            var get = scope.ServiceProvider.GetRequiredService<GetCheckIn>();
            var answer = scope.ServiceProvider.GetRequiredService<AnswerQuestion>();
            for (var guard = 0; guard < 80 && await get.HandleAsync() is { Instrument: { } current }; guard++)
            {
                var weight = current.Question.Options.Any(o => o.Weight == 1) ? 1 : current.Question.Options.Min(o => o.Weight);
                Assert.True((await answer.HandleAsync(current.InstrumentId, current.Question.LinkId, weight)).Succeeded);
            }

            Assert.True((await scope.ServiceProvider.GetRequiredService<LeaveNote>().HandleAsync(Note)).Succeeded);
        }

        // The therapist opens the dashboard (page and API) and acknowledges the new alert.
        using (var therapist = CookieClient(app))
        {
            await SignInAsync(therapist, Personas.Therapist1);
            using var dashboard = await therapist.GetAsync(new Uri("/caseload", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
            using var caseload = await therapist.GetAsync(new Uri("/api/caseload", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, caseload.StatusCode);
            using var refused = await therapist.GetAsync(new Uri("/metrics", UriKind.Relative));
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        var therapistViewer = await ViewerForAsync(app, Personas.Therapist1);
        Guid alertId;
        await using (var db = SystemDb(app))
        {
            // A variable, not the constant: EF would write a constant into the SQL it logs (the test's own query, not the app's).
            var email = Personas.Client5;
            var clientId = await db.Clients.Where(c => c.Email == email).Select(c => c.Id).SingleAsync();
            alertId = await db.RiskAlerts.Where(a => a.ClientId == clientId && a.AcknowledgedAt == null).OrderByDescending(a => a.RaisedAt).Select(a => a.Id).FirstAsync();
        }

        await using (var scope = app.Services.CreateViewerScope(therapistViewer))
        {
            Assert.True((await scope.ServiceProvider.GetRequiredService<AcknowledgeRiskAlert>().HandleAsync(alertId)).Succeeded);
        }

        // A practice admin reads the metrics; an anonymous visitor is sent to sign in.
        using (var admin = CookieClient(app))
        {
            await SignInAsync(admin, Personas.HarbourAdmin);
            var metrics = await admin.GetStringAsync(new Uri("/metrics", UriKind.Relative));
            Assert.Contains("rapport_checkins_completed", metrics, StringComparison.Ordinal);
            Assert.Contains("rapport_risk_alerts_raised", metrics, StringComparison.Ordinal);
            Assert.Contains("rapport_risk_alerts_time_to_acknowledgement", metrics, StringComparison.Ordinal);
            Assert.Contains("http_server_request_duration", metrics, StringComparison.Ordinal);
        }

        using (var anonymous = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }))
        {
            using var response = await anonymous.GetAsync(new Uri("/metrics", UriKind.Relative));
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        }

        // Nothing personal in any log line: no client's or staff member's name or email, no free text.
        var secrets = new List<string> { Note };
        await using (var db = SystemDb(app))
        {
            secrets.AddRange(await db.Clients.Select(c => c.DisplayName).ToListAsync());
            secrets.AddRange((await db.Clients.Select(c => c.Email).ToListAsync()).OfType<string>());
            secrets.AddRange(await db.StaffMembers.Select(s => s.DisplayName).ToListAsync());
            secrets.AddRange((await db.ClientNotes.Select(n => n.Text).ToListAsync()).OfType<string>());
        }

        var lines = logs.Lines.ToList();
        Assert.True(lines.Count > 50, $"the flow was logged ({lines.Count} lines)");
        var leaks = (from secret in secrets.Where(s => s.Length >= 4).Distinct()
                     from line in lines
                     let at = line.IndexOf(secret, StringComparison.OrdinalIgnoreCase)
                     where at >= 0
                     select $"'{secret}' in: …{line[Math.Max(0, at - 300)..Math.Min(line.Length, at + secret.Length + 100)]}…").Take(3).ToList();
        Assert.True(leaks.Count == 0, string.Join("\n\n", leaks));
    }

    private static RapportDb SystemDb(WebApplicationFactory<Program> app) =>
        new(app.Services.CreateScope().ServiceProvider.GetRequiredService<DbContextOptions<RapportDb>>(), new FixedViewerSource(Viewer.System), new AuditContext(), TimeProvider.System);

    private static HttpClient CookieClient(WebApplicationFactory<Program> app) =>
        app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    private static async Task SignInAsync(HttpClient client, string email)
    {
        using var response = await System.Net.Http.Json.HttpClientJsonExtensions.PostAsJsonAsync(client, "/api/identity/login?useCookies=true", new { email, password = RapportApp.Password });
        response.EnsureSuccessStatusCode();
    }

    private static async Task<Viewer> ViewerForAsync(WebApplicationFactory<Program> app, string email)
    {
        await using var db = SystemDb(app);
        var user = await db.Users.SingleAsync(u => u.NormalizedEmail == email.ToUpperInvariant());
        var roles = user.StaffMemberId is { } staffId ? await db.StaffMembers.Where(s => s.Id == staffId).Select(s => s.Roles).SingleAsync() : Rapport.Staff.StaffRoles.None;
        return new Viewer { UserId = user.Id, PracticeId = user.PracticeId, StaffMemberId = user.StaffMemberId, ClientId = user.ClientId, Roles = roles };
    }

    /// <summary>Every log entry of the app, as text: the formatted message, each structured value and any exception.</summary>
    internal sealed class CapturingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        /// <summary>The entries at Error or worse, as in <see cref="Lines"/>.</summary>
        public ConcurrentQueue<string> Errors { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(CapturingLoggerProvider provider, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
                var line = $"{category} {formatter(state, exception)} {values} {exception}";
                provider.Lines.Enqueue(line);
                if (logLevel >= LogLevel.Error)
                {
                    provider.Errors.Enqueue(line);
                }
            }
        }
    }
}
