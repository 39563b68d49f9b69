using System.Data.Common;
using System.Net.Sockets;
using Hl7.Fhir.Model;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Data.Sqlite;
using Npgsql;
using Rapport.Fhir;
using Rapport.Web.Fhir;

namespace Rapport.Web.Startup;

/// <summary>
/// The one place that turns "the database cannot be reached right now" into a retryable answer: 503 with Retry-After,
/// never a 500 page. It covers a PostgreSQL failover (the old primary's connections end with 57P01, a just-promoted node
/// is briefly read-only, 25006; Npgsql answers "No suitable host" while no node accepts writes), a database that
/// refuses connections, and a SQLite file locked beyond the busy timeout. Pages get a short page, the JSON API a problem
/// document, FHIR an OperationOutcome (issue type transient).
/// <para>
/// A retry cannot duplicate or lose a check-in answer: an answer is keyed by its question in the client's draft and the
/// last one by the submitted response (<see cref="Rapport.CheckIns.AnswerQuestion"/>), so sending it again after a
/// commit whose acknowledgement was lost stores nothing twice.
/// </para>
/// </summary>
internal static class DatabaseUnavailable
{
    /// <summary>Seconds a client should wait before retrying: a measured pg_auto_failover switch takes 4–10 s (docs/operations.md).</summary>
    public const int RetryAfterSeconds = 5;

    public const string Message = "Rapport cannot reach its database for a moment (it may be switching to a standby). Nothing was lost: please try again in a few seconds.";

    public static IApplicationBuilder UseDatabaseUnavailable(this IApplicationBuilder app) => app.UseMiddleware<Middleware>();

    /// <summary>Whether <paramref name="exception"/> (or one it wraps) says the database is unreachable or switching, not that the request was wrong.</summary>
    public static bool IsUnavailable(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException pg when IsUnavailableState(pg.SqlState):
                    return true;
                case PostgresException:
                    // Any other server error (a constraint, a bad query) is the request's or the code's problem, not the database's availability.
                    return false;
                case NpgsqlException npgsql when npgsql.InnerException is SocketException or IOException or TimeoutException:
                    return true;
                case NpgsqlException npgsql when npgsql.Message.Contains("No suitable host", StringComparison.Ordinal):
                    // Npgsql's answer to a multi-host string while no host accepts writes; it is not marked transient.
                    return true;
                case NpgsqlException npgsql when npgsql.IsTransient:
                    return true;
                case SqliteException sqlite when sqlite.SqliteErrorCode is SqliteBusy or SqliteLocked:
                    return true;
                case SocketException { SocketErrorCode: SocketError.ConnectionRefused or SocketError.ConnectionReset or SocketError.TimedOut }:
                    return true;
            }
        }

        return false;
    }

    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;

    private static bool IsUnavailableState(string state) =>
        state.StartsWith("08", StringComparison.Ordinal) // connection exception
        || state is "57P01" // admin_shutdown: the server is stopping (a demoted or killed primary)
            or "57P02" // crash_shutdown
            or "57P03" // cannot_connect_now: starting up or in recovery
            or "25006" // read_only_sql_transaction: a standby, or a node just promoted and still read-only
            or "53300"; // too_many_connections

    private sealed class Middleware(RequestDelegate next, ILogger<Middleware> logger)
    {
        public async System.Threading.Tasks.Task InvokeAsync(HttpContext context)
        {
            try
            {
                await next(context);
            }
            catch (Exception e) when (IsUnavailable(e) && !context.Response.HasStarted)
            {
                // The type and state only: an exception message may quote a statement's parameters.
                logger.LogWarning("Database unavailable ({Exception}, {State}); answered 503 to {Method} {Path}",
                    e.GetType().Name, (e as DbException)?.SqlState ?? (e.InnerException as DbException)?.SqlState, context.Request.Method, context.Request.Path.Value);
                await WriteAsync(context);
            }
        }

        private static async System.Threading.Tasks.Task WriteAsync(HttpContext context)
        {
            var response = context.Response;
            response.Clear();
            response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            response.Headers.CacheControl = "no-store";
            var path = context.Request.Path;
            if (path.StartsWithSegments("/fhir"))
            {
                await FhirEndpoints.Problem(new FhirProblem(StatusCodes.Status503ServiceUnavailable, OperationOutcome.IssueType.Transient, Message)).ExecuteAsync(context);
            }
            else if (path.StartsWithSegments("/api") || path.StartsWithSegments("/auth"))
            {
                await TypedResults.Problem(new ProblemDetails { Status = StatusCodes.Status503ServiceUnavailable, Title = "Database unavailable", Detail = Message }).ExecuteAsync(context);
            }
            else
            {
                // Self-contained: the usual status page has a layout and a sign-in check, both of which would need the database.
                response.ContentType = "text/html; charset=utf-8";
                await response.WriteAsync(
                    "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">" +
                    $"<title>Please try again · Rapport</title></head><body><main><h1>Please try again in a few seconds</h1><p>{Message}</p>" +
                    "<p>If you were answering a check-in, the answers you already sent are saved; send the last one again.</p></main></body></html>");
            }
        }
    }
}
