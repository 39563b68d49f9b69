using System.Globalization;

namespace Rapport.Fhir;

/// <summary>FHIR dates with their precision: "2026", "2026-03", "2026-03-14" and full instants are ranges [start, end).</summary>
public static class FhirDates
{
    public static bool TryParse(string value, out DateTimeOffset start, out DateTimeOffset end)
    {
        // A date at the very end of the calendar ("9999-12-31") has no end to its range: refused as unparsable (400),
        // never an overflow (500).
        try
        {
            return TryParseRange(value, out start, out end);
        }
        catch (ArgumentOutOfRangeException)
        {
            start = end = default;
            return false;
        }
    }

    private static bool TryParseRange(string value, out DateTimeOffset start, out DateTimeOffset end)
    {
        start = end = default;
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        var styles = DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal;
        if (value.Length == 4 && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var year) && year is >= 1 and <= 9998)
        {
            start = new DateTimeOffset(year, 1, 1, 0, 0, 0, TimeSpan.Zero);
            end = start.AddYears(1);
            return true;
        }

        if (value.Length == 7 && DateTime.TryParseExact(value, "yyyy-MM", CultureInfo.InvariantCulture, styles, out var month))
        {
            start = new DateTimeOffset(month, TimeSpan.Zero);
            end = start.AddMonths(1);
            return true;
        }

        if (value.Length == 10 && DateTime.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, styles, out var day))
        {
            start = new DateTimeOffset(day, TimeSpan.Zero);
            end = start.AddDays(1);
            return true;
        }

        if (value.Length > 10 && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant))
        {
            start = instant.ToUniversalTime();
            end = start.AddTicks(1);
            return true;
        }

        return false;
    }
}
