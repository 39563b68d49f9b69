using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Identity;
using Rapport.Accounts;
using Rapport.Caseload;
using Rapport.CheckIns;
using Rapport.Clients;
using Rapport.Insights;
using Rapport.MyCare;
using Rapport.Persistence;
using Rapport.Sessions;
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

        // The practice's published testimonials as a feed, without a sign-in: the same rows as the public page, so a
        // withdrawn one leaves both at once.
        app.MapGet("/practices/{slug}/stories.json", GetStoriesFeedAsync).AllowAnonymous().RequireRateLimiting(Startup.RateLimits.PublicRead);

        // The public matching intake as JSON (no account): the same feature as the page, ranked therapists with their
        // explanations and only suppressed aggregates; nothing is stored. Rate limited like the public forms.
        app.MapPost("/api/practices/{slug}/matches", FindTherapistsAsync).AllowAnonymous()
            .RequireRateLimiting(Startup.RateLimits.PublicForm);

        var api = app.MapGroup("/api").RequireAuthorization();
        api.MapGet("/me", (RapportDb db) =>
        {
            var viewer = db.Viewer;
            return Results.Ok(new { viewer.UserId, viewer.PracticeId, viewer.StaffMemberId, viewer.ClientId, Roles = viewer.Roles.ToString() });
        });

        api.MapGet("/caseload", GetCaseloadAsync).RequireAuthorization(Policies.Clinician);
        // The practice's insights (aggregates only) as JSON, and the page's figures as CSV (InsightsTable, one builder for both).
        api.MapGet("/insights", GetInsightsAsync).RequireAuthorization(Policies.Staff);
        api.MapGet("/insights/csv", DownloadInsightsAsync).RequireAuthorization(Policies.Staff);
        api.MapGet("/clients/{id:guid}", GetClientAsync).RequireAuthorization(Policies.Staff);
        api.MapGet("/my/export", GetMyExportAsync).RequireAuthorization(Policies.Client);
        // The same file as a download for a signed-in browser.
        api.MapGet("/my/export/download", DownloadMyExportAsync).RequireAuthorization(Policies.Client);
        api.MapGet("/my/care", GetMyCareAsync).RequireAuthorization(Policies.Client);

        // The check-in as a phone app answers it: the same features as the page (one question at a time, each answer
        // saved as it is given, the last one submitting the instrument), so the same rules, relationship and audit.
        api.MapGet("/my/check-in", GetMyCheckInAsync).RequireAuthorization(Policies.Client);
        api.MapPost("/my/check-in/answers", AnswerMyCheckInAsync).RequireAuthorization(Policies.Client);

        // Recording sessions, as the session page does: the care team only (others get 404), bad input 400, stale version 409.
        api.MapPost("/episodes/{episodeId:guid}/sessions", AddSessionAsync).RequireAuthorization(Policies.Clinician);
        api.MapPut("/sessions/{sessionId:guid}", UpdateSessionAsync).RequireAuthorization(Policies.Clinician);
    }

    public static async Task<Ok<IReadOnlyList<GetCaseload.Row>>> GetCaseloadAsync(GetCaseload caseload, CancellationToken ct) =>
        TypedResults.Ok(await caseload.HandleAsync(ct));

    public static async Task<Results<Ok<InsightsView>, NotFound, ValidationProblem, Conflict<ProblemDetails>>> GetInsightsAsync(
        string? from, string? to, GetInsights insights, CancellationToken ct)
    {
        var period = insights.ParsePeriod(from, to);
        return period.Succeeded
            ? (await insights.HandleAsync(period.Value!, ct)).ToHttp(TypedResults.Ok)
            : period.Map(_ => (InsightsView)null!).ToHttp(TypedResults.Ok);
    }

    public static async Task<Results<FileContentHttpResult, NotFound, ValidationProblem, Conflict<ProblemDetails>>> DownloadInsightsAsync(
        string? from, string? to, GetInsights insights, HttpContext http, CancellationToken ct)
    {
        var period = insights.ParsePeriod(from, to);
        var outcome = period.Succeeded ? await insights.HandleAsync(period.Value!, ct) : period.Map(_ => (InsightsView)null!);
        http.Response.Headers.CacheControl = "no-store";
        return outcome.ToHttp(view => TypedResults.File(
            System.Text.Encoding.UTF8.GetBytes(InsightsTable.Csv(view)), "text/csv; charset=utf-8",
            $"rapport-insights-{view.Period.From:yyyyMMdd}-{view.Period.To:yyyyMMdd}.csv"));
    }

    public static async Task<Results<Ok<IReadOnlyList<Rapport.Testimonials.GetPracticeStories.Story>>, NotFound>> GetStoriesFeedAsync(
        string slug, Rapport.Testimonials.GetPracticeStories stories, CancellationToken ct) =>
        await stories.HandleAsync(slug, ct) is { } view ? TypedResults.Ok(view.Testimonials) : TypedResults.NotFound();

    public static async Task<Results<Ok<Rapport.Matching.FindTherapists.Results>, NotFound, ValidationProblem, Conflict<ProblemDetails>>> FindTherapistsAsync(
        string slug, Rapport.Matching.MatchIntake intake, Rapport.Matching.FindTherapists find, CancellationToken ct) =>
        (await find.HandleAsync(slug, intake, ct)).ToHttp(TypedResults.Ok);

    public static async Task<Results<Ok<GetClientRecord.Record>, NotFound>> GetClientAsync(Guid id, GetClientRecord record, CancellationToken ct) =>
        await record.HandleAsync(id, ct) is { } found ? TypedResults.Ok(found) : TypedResults.NotFound();

    public static async Task<Results<JsonHttpResult<ExportMyRecord.Export>, NotFound>> GetMyExportAsync(ExportMyRecord export, CancellationToken ct) =>
        await export.HandleAsync(ct) is { } file ? TypedResults.Json(file, ExportMyRecord.Json) : TypedResults.NotFound();

    public static async Task<Results<FileContentHttpResult, NotFound>> DownloadMyExportAsync(ExportMyRecord export, HttpContext http, CancellationToken ct)
    {
        if (await export.HandleAsync(ct) is not { } file)
        {
            return TypedResults.NotFound();
        }

        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.File(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(file, ExportMyRecord.Json), "application/json", $"rapport-my-record-{file.ExportedAt:yyyyMMdd}.json");
    }

    public static async Task<Results<Ok<GetMyCare.View>, NotFound>> GetMyCareAsync(GetMyCare myCare, CancellationToken ct) =>
        await myCare.HandleAsync(ct) is { } view ? TypedResults.Ok(view) : TypedResults.NotFound();

    /// <param name="episodeId">The therapy the check-in is for, when the client is in more than one (see <see cref="GetCheckIn.View.Choices"/>).</param>
    /// <param name="item">A question to go back to.</param>
    public static async Task<Results<Ok<GetCheckIn.View>, NotFound>> GetMyCheckInAsync(Guid? episodeId, string? item, GetCheckIn checkIn, CancellationToken ct) =>
        await checkIn.HandleAsync(item, episodeId, ct) is { } view ? TypedResults.Ok(view) : TypedResults.NotFound();

    /// <summary>One answer of the check-in, as the page's form posts it. 200 means it is stored (durably, in one transaction with its audit entry).</summary>
    public static async Task<Results<Ok<AnswerQuestion.Result>, NotFound, ValidationProblem, Conflict<ProblemDetails>>> AnswerMyCheckInAsync(
        CheckInAnswer answer, AnswerQuestion answerQuestion, CancellationToken ct) =>
        (await answerQuestion.HandleAsync(answer.InstrumentId ?? "", answer.LinkId ?? "", answer.Value, answer.EpisodeId, ct)).ToHttp(TypedResults.Ok);

    /// <summary>The body of <c>POST /api/my/check-in/answers</c>: the fields of the page's answer form.</summary>
    public sealed record CheckInAnswer(Guid? EpisodeId, string? InstrumentId, string? LinkId, int? Value);

    public static async Task<Results<Created<RecordSession.Saved>, NotFound, ValidationProblem, Conflict<ProblemDetails>>> AddSessionAsync(
        Guid episodeId, RecordSession.Form form, RecordSession record, CancellationToken ct) =>
        (await record.AddAsync(episodeId, form, ct)).ToHttp(saved => TypedResults.Created($"/api/sessions/{saved.Id}", saved));

    public static async Task<Results<Ok<RecordSession.Saved>, NotFound, ValidationProblem, Conflict<ProblemDetails>>> UpdateSessionAsync(
        Guid sessionId, RecordSession.Form form, RecordSession record, CancellationToken ct) =>
        (await record.UpdateAsync(sessionId, form, ct)).ToHttp(TypedResults.Ok);
}
