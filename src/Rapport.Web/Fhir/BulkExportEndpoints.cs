using System.Globalization;
using System.Text.Json;
using Hl7.Fhir.Model;
using Rapport.Fhir;
using Rapport.Fhir.Export;

namespace Rapport.Web.Fhir;

/// <summary>
/// FHIR Bulk Data Access (v2) at practice level: <c>GET /fhir/$export</c> with <c>Prefer: respond-async</c> queues the
/// export (202 + Content-Location); the status URL answers 202 with Retry-After while it runs, then 200 with the
/// manifest; each file is NDJSON for the requester's token only; DELETE on the status URL cancels (202, then 404).
/// </summary>
internal static class BulkExportEndpoints
{
    public const string StatusPath = "$export-status";
    public const string FilePath = "$export-file";
    public const string NdjsonType = "application/fhir+ndjson";

    /// <summary>What a poller should wait before asking again, in seconds.</summary>
    public const int RetryAfterSeconds = 2;

    public static void MapBulkExport(this RouteGroupBuilder fhir)
    {
        fhir.MapGet($"/${FhirSystemOperation.Export.Name}", KickOffAsync);
        fhir.MapGet($"/{StatusPath}/{{id}}", StatusAsync);
        fhir.MapDelete($"/{StatusPath}/{{id}}", async (string id, CancelExport cancel, CancellationToken ct) =>
            Guid.TryParse(id, out var job) && await cancel.HandleAsync(job, ct)
                ? Results.Accepted()
                : FhirEndpoints.Problem(FhirProblem.NotFound($"The export {id}")));
        fhir.MapGet($"/{FilePath}/{{id}}", async (string id, ReadExportFile read, CancellationToken ct) =>
            Guid.TryParse(id, out var file) && await read.HandleAsync(file, ct) is { } content
                ? Results.Text(content, NdjsonType)
                : FhirEndpoints.Problem(FhirProblem.NotFound($"The export file {id}")));
    }

    private static async Task<IResult> KickOffAsync(HttpContext http, StartExport start, CancellationToken ct)
    {
        if (!http.Request.Headers["Prefer"].Any(p => p?.Contains("respond-async", StringComparison.OrdinalIgnoreCase) == true))
        {
            return FhirEndpoints.Problem(FhirProblem.Invalid("$export is asynchronous: send Prefer: respond-async."));
        }

        try
        {
            var query = http.Request.Query.SelectMany(q => q.Value.Select(v => KeyValuePair.Create(q.Key, v ?? ""))).ToList();
            var job = await start.HandleAsync(query, $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}{http.Request.Path}{http.Request.QueryString}", ct);
            http.Response.Headers.ContentLocation = $"{FhirEndpoints.BaseUrl(http)}/{StatusPath}/{job.Id}";
            return Results.StatusCode(StatusCodes.Status202Accepted);
        }
        catch (FhirProblem problem)
        {
            return FhirEndpoints.Problem(problem);
        }
    }

    private static async Task<IResult> StatusAsync(string id, HttpContext http, GetExportStatus status, CancellationToken ct)
    {
        if (!Guid.TryParse(id, out var jobId) || await status.HandleAsync(jobId, ct) is not { } found)
        {
            return FhirEndpoints.Problem(FhirProblem.NotFound($"The export {id}"));
        }

        var job = found.Job;
        switch (job.Status)
        {
            case ExportStatus.Queued or ExportStatus.Running:
                http.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                http.Response.Headers["X-Progress"] = job.Status == ExportStatus.Queued ? "queued" : $"running: {job.BatchesDone} batches written";
                return Results.StatusCode(StatusCodes.Status202Accepted);
            case ExportStatus.Failed:
                return FhirEndpoints.Problem(new FhirProblem(StatusCodes.Status500InternalServerError, OperationOutcome.IssueType.Exception, job.Error ?? "The export failed."));
            default:
                var files = $"{FhirEndpoints.BaseUrl(http)}/{FilePath}/";
                http.Response.Headers.Expires = DateTime.SpecifyKind(job.ExpiresAt, DateTimeKind.Utc).ToString("R", CultureInfo.InvariantCulture);
                return Results.Json(new
                {
                    transactionTime = FhirCodes.Instant(job.TransactionTime ?? job.RequestedAt),
                    request = job.RequestUrl,
                    requiresAccessToken = true,
                    output = found.Files.Select(f => new { type = f.Type, url = files + f.Id, count = f.Count }),
                    error = Array.Empty<object>(),
                    extension = job.Deidentified ? new Dictionary<string, object> { ["https://rapport.example.org/fhir/StructureDefinition/deidentified"] = true } : null,
                }, Json, "application/json");
        }
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };
}
