using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Rapport.Accounts;
using Rapport.Caseload;
using Rapport.Clients;
using Rapport.MyCare;
using Rapport.Persistence;
using Rapport.Sessions;
using Rapport.Access;
using Rapport.Web.Access;

namespace Rapport.Web.Api;

/// <summary>
/// The JSON API. Sign in with <c>POST /api/identity/login</c> for a bearer token. Every read goes through
/// the same features, and so the same care-relationship filters, as the pages.
/// </summary>
internal static class RapportApi
{
    private static readonly string[] SignInSteps =
        ["/login", "/refresh", "/forgotPassword", "/resetPassword", "/resendConfirmationEmail", "/confirmEmail", "/manage/2fa"];

    public static void MapRapportApi(this WebApplication app)
    {
        // Rapport has no open sign-up: accounts come from invitations only, so Identity's register endpoint is closed.
        app.Use(async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/api/identity/register", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            await next(context);
        });

        var identity = app.MapGroup("/api/identity").MapIdentityApi<RapportUser>();
        identity.Add(endpoint =>
        {
            var pattern = (endpoint as RouteEndpointBuilder)?.RoutePattern.RawText ?? "";
            if (!pattern.Contains("/manage", StringComparison.OrdinalIgnoreCase))
            {
                endpoint.Metadata.Add(new AllowAnonymousAttribute());
            }

            // Guessable steps are rate limited on the endpoint itself, whatever spelling of the path reached it.
            if (SignInSteps.Any(step => pattern.EndsWith(step, StringComparison.OrdinalIgnoreCase)))
            {
                endpoint.Metadata.Add(new Microsoft.AspNetCore.RateLimiting.EnableRateLimitingAttribute(Startup.RateLimits.SignIn));
            }

            if (pattern.EndsWith("/refresh", StringComparison.OrdinalIgnoreCase))
            {
                RefreshTokens.OneUse(endpoint);
            }
        });

        app.MapPost("/api/identity/logout", RefreshTokens.SignOutEverywhereAsync).RequireAuthorization();

        var api = app.MapGroup("/api").RequireAuthorization();
        api.MapGet("/me", (RapportDb db) =>
        {
            var viewer = db.Viewer;
            return Results.Ok(new { viewer.UserId, viewer.PracticeId, viewer.StaffMemberId, viewer.ClientId, Roles = viewer.Roles.ToString() });
        });

        api.MapGet("/caseload", async (GetCaseload caseload, CancellationToken ct) => Results.Ok(await caseload.HandleAsync(ct)))
            .RequireAuthorization(Policies.Clinician);

        api.MapGet("/clients/{id:guid}", async (Guid id, GetClientRecord record, CancellationToken ct) =>
                await record.HandleAsync(id, ct) is { } found ? Results.Ok(found) : Results.NotFound())
            .RequireAuthorization(Policies.Staff);

        api.MapGet("/my/export", async (ExportMyRecord export, CancellationToken ct) =>
                await export.HandleAsync(ct) is { } file
                    ? Results.Json(file, ExportMyRecord.Json, statusCode: StatusCodes.Status200OK)
                    : Results.NotFound())
            .RequireAuthorization(Policies.Client);

        // The same file as a download for a signed-in browser.
        api.MapGet("/my/export/download", async (ExportMyRecord export, HttpContext http, CancellationToken ct) =>
            {
                if (await export.HandleAsync(ct) is not { } file)
                {
                    return Results.NotFound();
                }

                http.Response.Headers.CacheControl = "no-store";
                return Results.File(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(file, ExportMyRecord.Json), "application/json", $"rapport-my-record-{file.ExportedAt:yyyyMMdd}.json");
            })
            .RequireAuthorization(Policies.Client);

        api.MapGet("/my/care", async (GetMyCare myCare, CancellationToken ct) =>
                await myCare.HandleAsync(ct) is { } view ? Results.Ok(view) : Results.NotFound())
            .RequireAuthorization(Policies.Client);

        // Recording sessions, as the session page does: the care team only (others get 404), bad input 400, stale version 409.
        api.MapPost("/episodes/{episodeId:guid}/sessions", async (Guid episodeId, RecordSession.Form form, RecordSession record, CancellationToken ct) =>
                SessionResult(await record.AddAsync(episodeId, form, ct), created: true))
            .RequireAuthorization(Policies.Clinician);

        api.MapPut("/sessions/{sessionId:guid}", async (Guid sessionId, RecordSession.Form form, RecordSession record, CancellationToken ct) =>
                SessionResult(await record.UpdateAsync(sessionId, form, ct), created: false))
            .RequireAuthorization(Policies.Clinician);
    }

    private static IResult SessionResult(Outcome<Session> outcome, bool created)
    {
        if (outcome.NotFound)
        {
            return Results.NotFound();
        }

        if (outcome.Errors.TryGetValue(nameof(RecordSession.Form.Version), out var conflict))
        {
            return Results.Problem(conflict, statusCode: StatusCodes.Status409Conflict);
        }

        if (!outcome.Succeeded)
        {
            return Results.ValidationProblem(outcome.Errors.ToDictionary(e => e.Key, e => new[] { e.Value }));
        }

        var s = outcome.Value!;
        var body = new { s.Id, s.EpisodeId, s.Number, s.StartsAt, s.DurationMinutes, s.Setting, s.Status, Attendees = s.Attendees.Select(a => a.ClientId), s.Version };
        return created ? Results.Created($"/api/sessions/{s.Id}", body) : Results.Ok(body);
    }
}
