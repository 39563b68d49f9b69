using System.Globalization;

namespace Rapport;

/// <summary>
/// "1 session", "6 sessions": counts in words a reader does not have to decode ("6 session(s)" reads as a form, not a
/// sentence). English only, like the rest of the interface.
/// </summary>
public static class Plural
{
    /// <summary>The count and the noun, singular for exactly one; <paramref name="plural"/> defaults to the singular plus "s".</summary>
    public static string Of(long count, string singular, string? plural = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(singular);
        return string.Create(CultureInfo.InvariantCulture, $"{count} {(count == 1 ? singular : plural ?? singular + "s")}");
    }
}
