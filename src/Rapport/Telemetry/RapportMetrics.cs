using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Rapport.Alerts;
using Rapport.Measures;

namespace Rapport.Telemetry;

/// <summary>
/// Rapport's own metrics, from one Meter (<see cref="MeterName"/>), exported with the framework's by OpenTelemetry
/// (docs/operations.md#telemetry). Counts and durations only: no tag carries a person, a practice or an answer.
/// </summary>
public static class RapportMetrics
{
    public const string MeterName = "Rapport";

    private static readonly Meter Meter = new(MeterName, typeof(RapportMetrics).Assembly.GetName().Version?.ToString());

    /// <summary>Questionnaire responses stored (a check-in's instrument finished, in the app or through the FHIR API).</summary>
    public static readonly Counter<long> CheckInsCompleted = Meter.CreateCounter<long>("rapport.checkins.completed", "{response}", "Questionnaire responses stored");

    public static readonly Counter<long> RiskAlertsRaised = Meter.CreateCounter<long>("rapport.risk_alerts.raised", "{alert}", "Risk alerts raised by answers");

    public static readonly Histogram<double> TimeToAcknowledgement = Meter.CreateHistogram<double>("rapport.risk_alerts.time_to_acknowledgement", "s", "From a risk alert being raised to the care team acknowledging it");

    public static readonly Counter<long> RemindersSent = Meter.CreateCounter<long>("rapport.reminders.sent", "{email}", "Check-in reminder emails sent");

    /// <summary>A background job's round or item that failed (tag <c>job</c>: the job's name).</summary>
    public static readonly Counter<long> JobFailures = Meter.CreateCounter<long>("rapport.jobs.failures", "{failure}", "Background job rounds or items that failed");

    public static void JobFailed(string job) => JobFailures.Add(1, new KeyValuePair<string, object?>("job", job));
}

/// <summary>
/// Counts what a save stored, once it is committed: one home for "a check-in was completed" and "an alert was raised"
/// whichever feature saved them, and the time from raising to acknowledging an alert.
/// </summary>
internal sealed class MetricsInterceptor : SaveChangesInterceptor
{
    public static readonly MetricsInterceptor Instance = new();

    private sealed record Pending(int Responses, int Alerts, double[] Acknowledged);

    private static readonly ConditionalWeakTable<DbContext, Pending> Saving = new();

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Capture(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Capture(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Record(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Record(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData)
    {
        if (eventData.Context is { } context)
        {
            Saving.Remove(context);
        }
    }

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        SaveChangesFailed(eventData);
        return Task.CompletedTask;
    }

    private static void Capture(DbContext? context)
    {
        if (context is null)
        {
            return;
        }

        var responses = 0;
        var alerts = 0;
        var acknowledged = new List<double>();
        foreach (var entry in context.ChangeTracker.Entries())
        {
            switch (entry.Entity)
            {
                case MeasureResponse when entry.State == EntityState.Added:
                    responses++;
                    break;
                case RiskAlert when entry.State == EntityState.Added:
                    alerts++;
                    break;
                case RiskAlert alert when entry.State == EntityState.Modified && alert.AcknowledgedAt is { } at
                    && entry.Property(nameof(RiskAlert.AcknowledgedAt)).OriginalValue is null:
                    acknowledged.Add((at - alert.RaisedAt).TotalSeconds);
                    break;
            }
        }

        Saving.AddOrUpdate(context, new Pending(responses, alerts, [.. acknowledged]));
    }

    private static void Record(DbContext? context)
    {
        if (context is null || !Saving.TryGetValue(context, out var pending))
        {
            return;
        }

        Saving.Remove(context);
        if (pending.Responses > 0)
        {
            RapportMetrics.CheckInsCompleted.Add(pending.Responses);
        }

        if (pending.Alerts > 0)
        {
            RapportMetrics.RiskAlertsRaised.Add(pending.Alerts);
        }

        foreach (var seconds in pending.Acknowledged)
        {
            RapportMetrics.TimeToAcknowledgement.Record(seconds);
        }
    }
}
