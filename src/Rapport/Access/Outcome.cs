namespace Rapport.Access;

/// <summary>
/// What a feature returns: success, field-level errors for a form, or "not found" (which is also what a
/// viewer without a care relationship gets, so the existence of a record is not revealed).
/// </summary>
public sealed record Outcome<T>
{
    public T? Value { get; init; }
    public IReadOnlyDictionary<string, string> Errors { get; init; } = new Dictionary<string, string>();
    public bool NotFound { get; init; }
    public bool Succeeded => !NotFound && Errors.Count == 0;

    public static Outcome<T> Ok(T value) => new() { Value = value };
    public static Outcome<T> Missing() => new() { NotFound = true };
    public static Outcome<T> Invalid(IReadOnlyDictionary<string, string> errors) => new() { Errors = errors };
    public static Outcome<T> Invalid(string field, string message) => new() { Errors = new Dictionary<string, string> { [field] = message } };
}
