using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Microsoft.AspNetCore.Authorization;
using Rapport.Fhir;
using Rapport.Fhir.Everything;
using Rapport.Fhir.Flags;
using Rapport.Fhir.QuestionnaireResponses;
using Rapport.Fhir.Search;

namespace Rapport.Web.Fhir;

/// <summary>
/// The FHIR R4 REST API at <c>/fhir</c> (JSON). Signed in as for the JSON API (bearer token from
/// <c>POST /api/identity/login</c>, or the browser's cookie), a caller sees exactly what they see in the pages.
/// Every refusal is an OperationOutcome with the status the mature servers use (400, 404, 405, 412, 413, 422, 501).
/// </summary>
internal static class FhirEndpoints
{
    public const string ContentType = "application/fhir+json; charset=utf-8";

    private static readonly JsonSerializerOptions Json = new JsonSerializerOptions().ForFhir(ModelInfo.ModelInspector);

    public static void MapFhir(this WebApplication app)
    {
        var fhir = app.MapGroup("/fhir").RequireAuthorization().AddEndpointFilter(FhirAccess.CheckAsync);

        fhir.MapGet("/metadata", (FhirCapabilities capabilities, HttpContext http) => Fhir(capabilities.Build(BaseUrl(http)))).AllowAnonymous();

        fhir.MapBulkExport();

        fhir.MapGet("/Patient/{id}/$everything", (string id, GetPatientEverything everything, HttpContext http, CancellationToken ct) =>
            Everything(Guid.TryParse(id, out var guid) ? guid : Guid.Empty, everything, http, ct));
        fhir.MapMethods("/Patient/$everything", ["GET", "POST"], (GetPatientEverything everything, HttpContext http, CancellationToken ct) =>
            Everything(null, everything, http, ct));

        fhir.MapGet("/{type}", (string type, SearchFhirResources search, HttpContext http, CancellationToken ct) =>
            Guarded(async () => Fhir(await search.HandleAsync(type, [.. http.Request.Query.SelectMany(q => q.Value.Select(v => KeyValuePair.Create(q.Key, v ?? "")))], BaseUrl(http), ct))));

        fhir.MapPost("/{type}/_search", (string type, SearchFhirResources search, HttpContext http, CancellationToken ct) =>
            Guarded(async () =>
            {
                var form = http.Request.HasFormContentType ? await http.Request.ReadFormAsync(ct) : null;
                var query = http.Request.Query.Concat(form?.AsEnumerable() ?? []).SelectMany(q => q.Value.Select(v => KeyValuePair.Create(q.Key, v ?? ""))).ToList();
                return Fhir(await search.HandleAsync(type, query, BaseUrl(http), ct));
            }));

        fhir.MapGet("/{type}/{id}", (string type, string id, ReadFhirResource read, HttpContext http, CancellationToken ct) =>
            Guarded(async () => await read.HandleAsync(type, id, ct) is { } item
                ? Fhir(item.Resource, versioned: true)
                : throw FhirProblem.NotFound($"{type}/{id}")));

        fhir.MapPost("/QuestionnaireResponse", (RecordQuestionnaireResponse record, HttpContext http, CancellationToken ct) =>
            Guarded(async () =>
            {
                var posted = await ParseAsync<QuestionnaireResponse>(http, ct);
                var stored = await record.HandleAsync(posted, ct);
                var location = $"{BaseUrl(http)}/QuestionnaireResponse/{stored.Resource.Id}/_history/{stored.Resource.Meta?.VersionId ?? "1"}";
                return Fhir(stored.Resource, StatusCodes.Status201Created, versioned: true, location: location);
            }));

        fhir.MapPut("/Flag/{id}", (string id, AcknowledgeRiskFlag acknowledge, HttpContext http, CancellationToken ct) =>
            Guarded(async () =>
            {
                var flag = await ParseAsync<Flag>(http, ct);
                var ifMatch = http.Request.Headers.IfMatch.ToString();
                return Fhir(await acknowledge.HandleAsync(id, flag, ifMatch.Length == 0 ? null : ifMatch, ct), versioned: true);
            }));

        // Every other interaction on a served type is refused plainly, never answered with a page.
        fhir.MapMethods("/{type}", ["POST", "PUT", "DELETE", "PATCH"], (string type, FhirCatalog catalog) => Unsupported(type, catalog));
        fhir.MapMethods("/{type}/{id}", ["PUT", "DELETE", "PATCH", "POST"], (string type, FhirCatalog catalog) => Unsupported(type, catalog));
        fhir.MapMethods("/{type}/{id}/{**rest}", ["GET", "POST", "PUT", "DELETE", "PATCH"], (string type, FhirCatalog catalog) => catalog.Get(type) is null
            ? Problem(FhirProblem.NotFound($"The resource type {type}"))
            : Problem(new FhirProblem(StatusCodes.Status501NotImplemented, OperationOutcome.IssueType.NotSupported, "This operation or history is not supported: see GET /fhir/metadata.")));
        fhir.MapFallback((HttpContext http) => Problem(FhirProblem.NotFound(http.Request.Path.ToString())));
    }

    private static async Task<IResult> Everything(Guid? id, GetPatientEverything everything, HttpContext http, CancellationToken ct) =>
        await everything.HandleAsync(id, BaseUrl(http), ct) is { } bundle
            ? Fhir(bundle)
            : Problem(FhirProblem.NotFound(id is null ? "Patient/$everything (for a client's own sign-in)" : $"Patient/{id}"));

    private static IResult Unsupported(string type, FhirCatalog catalog) => catalog.Get(type) is null
        ? Problem(FhirProblem.NotFound($"The resource type {type}"))
        : Problem(new FhirProblem(StatusCodes.Status405MethodNotAllowed, OperationOutcome.IssueType.NotSupported, $"This interaction is not supported for {type}: see GET /fhir/metadata."));

    /// <summary>The one place a refusal becomes a response: nothing has been saved when a FhirProblem is thrown.</summary>
    private static async Task<IResult> Guarded(Func<Task<IResult>> handle)
    {
        try
        {
            return await handle();
        }
        catch (FhirProblem problem)
        {
            return Problem(problem);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Problem(new FhirProblem(StatusCodes.Status413PayloadTooLarge, OperationOutcome.IssueType.TooCostly, "The request body is too large."));
        }
    }

    private static async Task<T> ParseAsync<T>(HttpContext http, CancellationToken ct)
        where T : Resource
    {
        using var reader = new StreamReader(http.Request.Body);
        var body = await reader.ReadToEndAsync(ct);
        Resource? resource;
        try
        {
            resource = JsonSerializer.Deserialize<Resource>(body, Json);
        }
        catch (DeserializationFailedException e)
        {
            throw FhirProblem.Invalid($"The body is not a valid FHIR R4 {typeof(T).Name}: {string.Join("; ", e.Exceptions.Select(x => x.Message).Take(10))}");
        }
        catch (JsonException e)
        {
            throw FhirProblem.Invalid($"The body is not JSON: {e.Message}");
        }

        return resource as T ?? throw FhirProblem.Invalid($"The body must be a {typeof(T).Name} resource.");
    }

    public static string BaseUrl(HttpContext http) => $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}/fhir";

    internal static IResult Problem(FhirProblem problem) => Fhir(problem.ToOutcome(), problem.Status);

    private static IResult Fhir(Resource resource, int status = StatusCodes.Status200OK, bool versioned = false, string? location = null) =>
        new FhirResult(JsonSerializer.Serialize(resource, Json), status, versioned ? resource.Meta : null, location);

    private sealed class FhirResult(string body, int status, Meta? meta, string? location) : IResult
    {
        public async System.Threading.Tasks.Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = status;
            response.ContentType = ContentType;
            response.Headers.CacheControl = "no-store";
            if (meta?.VersionId is { } version)
            {
                response.Headers.ETag = $"W/\"{version}\"";
            }

            if (meta?.LastUpdated is { } updated)
            {
                response.Headers.LastModified = updated.ToString("R");
            }

            if (location is not null)
            {
                response.Headers.Location = location;
            }

            await response.WriteAsync(body, httpContext.RequestAborted);
        }
    }
}
