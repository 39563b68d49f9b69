namespace Rapport.Access;

/// <summary>
/// What a feature returns: success, field-level errors for a form, "not found" (which is also what a viewer without a
/// care relationship gets, so the existence of a record is not revealed), or a conflict: the record changed since the
/// form was opened (a stale version), so nothing was saved. Mapped to HTTP in one place (Rapport.Web's OutcomeResults).
/// </summary>
public sealed record Outcome<T>
{
    public T? Value { get; init; }
    public IReadOnlyDictionary<string, string> Errors { get; init; } = new Dictionary<string, string>();
    public bool NotFound { get; init; }

    /// <summary>
    /// Someone else changed the record first; <see cref="Errors"/> carries the message under the form's version field,
    /// so a page shows it where the form keeps the version.
    /// </summary>
    public bool IsConflict { get; init; }

    public bool Succeeded => !NotFound && !IsConflict && Errors.Count == 0;

    public static Outcome<T> Ok(T value) => new() { Value = value };
    public static Outcome<T> Missing() => new() { NotFound = true };
    public static Outcome<T> Invalid(IReadOnlyDictionary<string, string> errors) => new() { Errors = errors };
    public static Outcome<T> Invalid(string field, string message) => new() { Errors = new Dictionary<string, string> { [field] = message } };

    /// <summary>The same outcome with its value turned into <typeparamref name="TView"/> (a command returns a view, not its entity).</summary>
    public Outcome<TView> Map<TView>(Func<T, TView> view)
    {
        ArgumentNullException.ThrowIfNull(view);
        return Succeeded ? Outcome<TView>.Ok(view(Value!)) : new() { Errors = Errors, NotFound = NotFound, IsConflict = IsConflict };
    }

    /// <summary>The record changed since <paramref name="field"/> (its version) was read: nothing was saved.</summary>
    public static Outcome<T> Conflict(string field, string message) =>
        new() { IsConflict = true, Errors = new Dictionary<string, string> { [field] = message } };
}
