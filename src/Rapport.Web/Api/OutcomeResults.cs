using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Rapport.Access;

namespace Rapport.Web.Api;

/// <summary>
/// The one mapping from a feature's <see cref="Outcome{T}"/> to HTTP: not found (also what a viewer without a care
/// relationship gets) is 404, field errors are a 400 validation problem, a stale version is 409, success is what the
/// endpoint says. FHIR's OperationOutcome will map from the same four cases.
/// </summary>
internal static class OutcomeResults
{
    public static Results<TSuccess, NotFound, ValidationProblem, Conflict<ProblemDetails>> ToHttp<T, TSuccess>(this Outcome<T> outcome, Func<T, TSuccess> success)
        where TSuccess : IResult
    {
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(success);
        if (outcome.NotFound)
        {
            return TypedResults.NotFound();
        }

        if (outcome.IsConflict)
        {
            return TypedResults.Conflict(new ProblemDetails
            {
                Status = StatusCodes.Status409Conflict,
                Title = "The record changed since it was read",
                Detail = string.Join(" ", outcome.Errors.Values),
            });
        }

        if (!outcome.Succeeded)
        {
            return TypedResults.ValidationProblem(outcome.Errors.ToDictionary(e => e.Key, e => new[] { e.Value }));
        }

        return success(outcome.Value!);
    }
}
