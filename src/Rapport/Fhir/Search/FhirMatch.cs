using System.Globalization;
using Hl7.Fhir.Model;

namespace Rapport.Fhir.Search;

/// <summary>Whether one resource matches one search criterion (a comma in the value is "or", as the specification says).</summary>
internal static class FhirMatch
{
    private static readonly string[] Prefixes = ["eq", "ne", "gt", "lt", "ge", "le", "sa", "eb"];

    public static bool Matches(FhirSearchParameter parameter, string? modifier, string value, Resource resource)
    {
        var values = parameter.Values(resource).ToList();
        return value.Split(',').Any(v => values.Any(x => Matches(parameter, modifier, v, x)));
    }

    private static bool Matches(FhirSearchParameter parameter, string? modifier, string wanted, FhirValue value) => (parameter.Type, value) switch
    {
        (SearchParamType.Token, TokenValue t) => Token(wanted, t),
        (SearchParamType.Reference, ReferenceValue r) => Reference(wanted, r),
        (SearchParamType.Reference, UriValue { Uri: { } uri }) => Canonical(wanted, uri),
        (SearchParamType.Uri, UriValue { Uri: { } uri }) => Canonical(wanted, uri),
        (SearchParamType.Date, DateValue d) => Date(parameter.Name, wanted, d.Start),
        (SearchParamType.String, StringValue { Text: { } text }) => Text(modifier, wanted, text),
        (SearchParamType.Quantity, QuantityValue q) => Quantity(parameter.Name, wanted, q),
        _ => false,
    };

    private static bool Token(string wanted, TokenValue t)
    {
        var bar = wanted.IndexOf('|', StringComparison.Ordinal);
        if (bar < 0)
        {
            return t.Code == wanted;
        }

        var system = wanted[..bar];
        var code = wanted[(bar + 1)..];
        var systemMatches = system.Length == 0 ? string.IsNullOrEmpty(t.System) : t.System == system;
        return systemMatches && (code.Length == 0 || t.Code == code);
    }

    private static bool Reference(string wanted, ReferenceValue r)
    {
        var parts = wanted.TrimEnd('/').Split('/');
        return parts.Length == 1 ? parts[0] == r.Id : parts[^2] == r.Type && parts[^1] == r.Id;
    }

    // A canonical URL matches with or without its "|version".
    private static bool Canonical(string wanted, string uri) => wanted.Split('|')[0] == uri.Split('|')[0];

    private static bool Text(string? modifier, string wanted, string text)
    {
        if (modifier == "exact")
        {
            return text == wanted;
        }

        // FHIR string search: case-insensitive "starts with", on the whole value or any of its words.
        return text.StartsWith(wanted, StringComparison.OrdinalIgnoreCase)
            || text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Any(w => w.StartsWith(wanted, StringComparison.OrdinalIgnoreCase));
    }

    private static (string Prefix, string Value) Prefix(string wanted) =>
        wanted.Length > 2 && Prefixes.Contains(wanted[..2]) && (char.IsDigit(wanted[2]) || wanted[2] == '-') ? (wanted[..2], wanted[2..]) : ("eq", wanted);

    private static bool Date(string name, string wanted, DateTimeOffset at)
    {
        var (prefix, rest) = Prefix(wanted);
        if (!FhirDates.TryParse(rest, out var start, out var end))
        {
            throw FhirProblem.Invalid($"'{wanted}' is not a FHIR date for the search parameter {name} (use e.g. 2026-03-14 or ge2026-03).", name);
        }

        return prefix switch
        {
            "eq" => at >= start && at < end,
            "ne" => at < start || at >= end,
            "gt" or "sa" => at >= end,
            "lt" or "eb" => at < start,
            "ge" => at >= start,
            _ => at < end, // le
        };
    }

    private static bool Quantity(string name, string wanted, QuantityValue q)
    {
        var (prefix, rest) = Prefix(wanted);
        var parts = rest.Split('|');
        if (!decimal.TryParse(parts[0], NumberStyles.Number, CultureInfo.InvariantCulture, out var number) || parts.Length is 2 or > 3)
        {
            throw FhirProblem.Invalid($"'{wanted}' is not a FHIR quantity for the search parameter {name} (use e.g. ge10 or 10|http://unitsofmeasure.org|{{score}}).", name);
        }

        if (parts.Length == 3 && ((parts[1].Length > 0 && parts[1] != q.System) || (parts[2].Length > 0 && parts[2] != q.Code)))
        {
            return false;
        }

        return prefix switch
        {
            "eq" => q.Value == number,
            "ne" => q.Value != number,
            "gt" or "sa" => q.Value > number,
            "lt" or "eb" => q.Value < number,
            "ge" => q.Value >= number,
            _ => q.Value <= number,
        };
    }
}
