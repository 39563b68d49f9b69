using Hl7.Fhir.Model;
using Rapport.Access;
using Rapport.Fhir;
using Rapport.Systems;

namespace Rapport.Web.Fhir;

/// <summary>
/// Who may do what at <c>/fhir</c>, before any feature runs (what they see is still the query filters' business):
/// <list type="bullet">
/// <item>A write (POST, PUT, PATCH, DELETE other than a search) needs a bearer token: the browser's cookie is sent on a
/// cross-site request too, and these endpoints carry no antiforgery token, so a cookie alone never changes anything.</item>
/// <item>A connected system is read-only (403 for any write, whatever RapportDb would also refuse), reads only the types
/// its scopes name (403 otherwise), and may cancel only its own exports.</item>
/// </list>
/// </summary>
internal static class FhirAccess
{
    public static async ValueTask<object?> CheckAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var http = invocation.HttpContext;
        var request = http.Request;
        var isRead = HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)
            || (HttpMethods.IsPost(request.Method) && request.Path.Value?.EndsWith("/_search", StringComparison.Ordinal) == true);
        var isExportCancel = HttpMethods.IsDelete(request.Method) && request.Path.StartsWithSegments("/fhir/$export-status");
        if (!isRead && !request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return Forbidden("A FHIR write needs a bearer token (sign in with POST /api/identity/login); the browser's sign-in cookie is not accepted for it.");
        }

        var viewer = http.RequestServices.GetRequiredService<IViewerSource>().Current;
        if (viewer.IsConnectedSystem)
        {
            if (!isRead && !isExportCancel)
            {
                return Forbidden("A connected system has read-only access: it cannot create, change or delete anything.");
            }

            // A research system's every export is de-identified; a read or search would hand it names and real ids.
            if (viewer.ResearchSystem && !IsBulkExport(request.Path))
            {
                return Forbidden("A research system may only run de-identified Bulk Data exports ($export), not read or search records.");
            }

            if (request.RouteValues.TryGetValue("type", out var type) && type is string name
                && http.RequestServices.GetRequiredService<FhirCatalog>().Get(name) is not null && !SystemScopes.Allows(viewer.Scopes, name))
            {
                return Forbidden($"This token's scopes do not include reading {name} (ask for system/{name}.read or system/*.read).");
            }
        }

        return await next(invocation);
    }

    private static bool IsBulkExport(PathString path) =>
        path.StartsWithSegments("/fhir/$export") || path.StartsWithSegments("/fhir/" + BulkExportEndpoints.StatusPath)
        || path.StartsWithSegments("/fhir/" + BulkExportEndpoints.FilePath) || path.StartsWithSegments("/fhir/metadata");

    private static IResult Forbidden(string message) => FhirEndpoints.Problem(new FhirProblem(StatusCodes.Status403Forbidden, OperationOutcome.IssueType.Forbidden, message));
}
