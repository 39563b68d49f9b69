using Rapport.Access;
using Rapport.Audit;
using Rapport.Persistence;
using Rapport.Systems;

namespace Rapport.Fhir.Export;

/// <summary>What the worker needs from the job row to run it, and what the status endpoint shows.</summary>
public sealed record ExportManifestFile(Guid Id, string Type, int Count);

/// <summary>
/// Bulk Data kick-off (<c>GET /fhir/$export</c>): checks the parameters and records the request as a job row for the
/// worker. Only a connected system exports (a person reads their own record with <c>Patient/$everything</c>), and only
/// the types its scopes name; a research system's export is always de-identified.
/// </summary>
[NotAudited("records an export request (types, since, de-identified); the export writes one Export entry per batch, naming each patient it reads")]
public sealed class StartExport(RapportDb db, FhirCatalog catalog, ExportSignal signal, TimeProvider clock)
{
    public static readonly string[] OutputFormats = ["application/fhir+ndjson", "application/ndjson", "ndjson"];

    private static readonly string[] Known = ["_type", "_since", "_outputFormat", "_deidentify"];

    /// <summary>Kept for a day after it finishes (or a day after it was asked for, if it never finishes), then deleted.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    public async Task<ExportJob> HandleAsync(IReadOnlyList<KeyValuePair<string, string>> query, string requestUrl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var viewer = db.Viewer;
        if (viewer.ConnectedSystemId is not { } systemId || viewer.PracticeId is not { } practiceId)
        {
            throw new FhirProblem(403, Hl7.Fhir.Model.OperationOutcome.IssueType.Forbidden,
                "Bulk export is for a registered system (SMART Backend Services); a person reads their record with Patient/$everything.");
        }

        if (query.FirstOrDefault(q => !Known.Contains(q.Key)) is { Key: { } unknown } && unknown.Length > 0)
        {
            throw FhirProblem.Invalid($"The parameter {unknown} is not supported by $export here (supported: {string.Join(", ", Known)}).");
        }

        var format = Single(query, "_outputFormat");
        if (format is not null && !OutputFormats.Contains(format, StringComparer.OrdinalIgnoreCase))
        {
            throw FhirProblem.Invalid($"_outputFormat {format} is not supported: use application/fhir+ndjson.");
        }

        var exportable = ExportPlan.Exportable(catalog).Where(t => SystemScopes.Allows(viewer.Scopes, t)).ToList();
        var asked = query.Where(q => q.Key == "_type").SelectMany(q => q.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Distinct().ToList();
        if (asked.FirstOrDefault(t => !exportable.Contains(t)) is { } refused)
        {
            throw FhirProblem.Invalid(ExportPlan.Exportable(catalog).Contains(refused)
                ? $"This token's scopes do not include {refused}."
                : $"{refused} is not a resource type this server exports (see GET /fhir/metadata).");
        }

        DateTime? since = null;
        if (Single(query, "_since") is { } sinceText)
        {
            if (!FhirDates.TryParse(sinceText, out var start, out _))
            {
                throw FhirProblem.Invalid("_since must be a FHIR instant, e.g. 2026-01-01T00:00:00Z.");
            }

            since = start.UtcDateTime;
        }

        var deidentify = Single(query, "_deidentify") switch
        {
            null or "false" => false,
            "true" => true,
            _ => throw FhirProblem.Invalid("_deidentify is true or false."),
        };
        var research = await ConnectedSystemIsResearchAsync(systemId, cancellationToken);

        var now = clock.GetUtcNow().UtcDateTime;
        var job = new ExportJob
        {
            PracticeId = practiceId,
            ConnectedSystemId = systemId,
            RequestUrl = requestUrl.Length > 2000 ? requestUrl[..2000] : requestUrl,
            Types = string.Join(' ', asked.Count > 0 ? asked : exportable),
            Since = since,
            Deidentified = deidentify || research,
            Status = ExportStatus.Queued,
            RequestedAt = now,
            ExpiresAt = now + Retention,
        };
        db.ExportJobs.Add(job);
        await db.SaveChangesAsync(cancellationToken);
        signal.Raise();
        return job;
    }

    private Task<bool> ConnectedSystemIsResearchAsync(Guid systemId, CancellationToken cancellationToken) =>
        Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.AnyAsync(db.ConnectedSystems, s => s.Id == systemId && s.Research, cancellationToken);

    private static string? Single(IReadOnlyList<KeyValuePair<string, string>> query, string key) => query.LastOrDefault(q => q.Key == key).Value;
}

/// <summary>Which types an export holds: every registered type but AuditEvent (the access log is each client's own, never a system's).</summary>
public static class ExportPlan
{
    public static IReadOnlyList<string> Exportable(FhirCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return [.. catalog.All.Select(r => r.Registration.Type).Where(t => t != "AuditEvent").Order(StringComparer.Ordinal)];
    }

    /// <summary>A type in the patient compartment is read patient by patient; the rest (the practice, its staff, the instruments) once.</summary>
    public static bool IsPerPatient(FhirResourceRegistration registration)
    {
        ArgumentNullException.ThrowIfNull(registration);
        return registration.Type == "Patient" || registration.Parameter("patient") is not null;
    }
}

/// <summary>Wakes the export worker when a job is queued, so it need not wait for its next poll.</summary>
public sealed class ExportSignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Raise()
    {
        if (_signal.CurrentCount == 0)
        {
            try
            {
                _signal.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already raised by a concurrent kick-off: one wake-up is enough.
            }
        }
    }

    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => await _signal.WaitAsync(timeout, cancellationToken);
}
