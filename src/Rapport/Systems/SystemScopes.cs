using System.Text.RegularExpressions;

namespace Rapport.Systems;

/// <summary>
/// SMART system scopes Rapport grants: read-only, v1 (<c>system/Patient.read</c>, <c>system/*.read</c>) and the v2
/// read-and-search form (<c>system/Patient.rs</c>, <c>system/*.rs</c>), which mean the same here. No write scope exists.
/// </summary>
public static partial class SystemScopes
{
    public const string AllRead = "system/*.read";

    [GeneratedRegex(@"^system/(?<type>\*|[A-Z][A-Za-z]{1,63})\.(read|rs)$", RegexOptions.CultureInvariant)]
    private static partial Regex Scope();

    /// <summary>The resource type a scope grants ("*" for every type), or null for a scope Rapport does not grant.</summary>
    public static string? TypeOf(string scope, IReadOnlyCollection<string> servedTypes)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(servedTypes);
        var match = Scope().Match(scope);
        if (!match.Success)
        {
            return null;
        }

        var type = match.Groups["type"].Value;
        return type == "*" || servedTypes.Contains(type) ? type : null;
    }

    public static IReadOnlyList<string> Split(string? scopes) =>
        [.. (scopes ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal)];

    /// <summary>Whether the granted scopes let a system read <paramref name="type"/>.</summary>
    public static bool Allows(IEnumerable<string> granted, string type)
    {
        ArgumentNullException.ThrowIfNull(granted);
        return granted.Select(s => Scope().Match(s)).Any(m => m.Success && (m.Groups["type"].Value == "*" || m.Groups["type"].Value == type));
    }

    /// <summary>Every scope string for these types, for the token endpoint and the SMART configuration.</summary>
    public static IReadOnlyList<string> All(IEnumerable<string> servedTypes) =>
        [AllRead, "system/*.rs", .. servedTypes.Order(StringComparer.Ordinal).SelectMany(t => new[] { $"system/{t}.read", $"system/{t}.rs" })];
}
