using Hl7.Fhir.Model;

namespace Rapport.Fhir;

/// <summary>
/// A request the FHIR API refuses, with its HTTP status and the OperationOutcome issue it answers with. Thrown by the
/// FHIR features and turned into a response in one place (the endpoints' error handler), as the mature servers do;
/// nothing has been saved when it is thrown.
/// </summary>
public sealed class FhirProblem(int status, OperationOutcome.IssueType code, string message, string? expression = null) : Exception(message)
{
    public int Status { get; } = status;
    public OperationOutcome.IssueType Code { get; } = code;
    public string? Expression { get; } = expression;

    public static FhirProblem NotFound(string what) => new(404, OperationOutcome.IssueType.NotFound, $"{what} is not known here.");

    public static FhirProblem Invalid(string message, string? expression = null) => new(400, OperationOutcome.IssueType.Invalid, message, expression);

    /// <summary>Well-formed, but against a rule (an answer out of range, an unknown linkId): 422.</summary>
    public static FhirProblem Rule(string message, string? expression = null) => new(422, OperationOutcome.IssueType.BusinessRule, message, expression);

    public OperationOutcome ToOutcome() => FhirOutcomes.Error(Code, Message, Expression);
}

public static class FhirOutcomes
{
    public static OperationOutcome Error(OperationOutcome.IssueType code, string message, string? expression = null) => new()
    {
        Issue =
        [
            new OperationOutcome.IssueComponent
            {
                Severity = OperationOutcome.IssueSeverity.Error,
                Code = code,
                Diagnostics = message,
                Expression = expression is null ? [] : [expression],
            },
        ],
    };
}
