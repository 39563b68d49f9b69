using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Rapport.Fhir.Export;

/// <summary>
/// The de-identified form of an exported resource (docs/fhir.md, "De-identified export", lists every rule):
/// <list type="bullet">
/// <item>ids and references become pseudonyms: HMAC-SHA256 under a random key made for this export and kept only in the
/// worker's memory (never stored, never in the output), so a patient's resources still join up within the export but
/// not with anything else, nor with another export;</item>
/// <item>names, telecom, identifiers, addresses, photos, contacts, narrative, notes, comments, displays and free text
/// (code texts, free-text answers) are removed;</item>
/// <item>every date in a patient's resources moves by that patient's own offset (1 to 182 days either way, from the same
/// key), so intervals within the patient's record are kept and calendar dates are not;</item>
/// <item>a birth date keeps only its year; an age of 90 or more keeps none (tagged "90 or older" instead).</item>
/// </list>
/// Questionnaires (the instruments) are published definitions and pass unchanged.
/// </summary>
public sealed partial class Deidentifier(byte[] key, DateTimeOffset now)
{
    public const string TagSystem = FhirCodes.CanonicalBase + "/CodeSystem/deidentification";

    private static readonly HashSet<string> Removed = new(StringComparer.Ordinal)
    {
        "name", "telecom", "identifier", "address", "photo", "contact", "text", "note", "comment", "display", "description",
    };

    [GeneratedRegex(@"^\d{4}-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex FhirDate();

    [GeneratedRegex(@"^(?<type>[A-Z][A-Za-z]+)/(?<id>[A-Za-z0-9\-\.]{1,64})$", RegexOptions.CultureInvariant)]
    private static partial Regex RelativeReference();

    /// <summary>The de-identified NDJSON line for <paramref name="item"/>, serialised as <paramref name="json"/>.</summary>
    public string? Line(FhirItem item, string json)
    {
        ArgumentNullException.ThrowIfNull(item);
        var type = item.Resource.TypeName;
        if (type == "Questionnaire")
        {
            return json;
        }

        var root = JsonNode.Parse(json)!.AsObject();
        var shift = item.ClientId is { } patient ? ShiftFor(patient) : (int?)null;
        // A Consent's policy rule is the practice's published wording (the same for every client), and ppc-1 needs it.
        var policy = type == "Consent" ? root["policyRule"]?.DeepClone() : null;
        Clean(root, shift);
        if (policy is not null)
        {
            root["policyRule"] = policy;
        }

        // The row version would match the same resource in an identified export: a link back, so it goes too.
        (root["meta"] as JsonObject)?.Remove("versionId");
        if (root["id"]?.GetValue<string>() is { } id)
        {
            root["id"] = Pseudonym(type, id);
        }

        if (type == "Patient")
        {
            ReduceBirthDate(root);
        }

        if (type == "Organization")
        {
            // org-1: an Organization keeps a name or an identifier; the practice's own are removed.
            root["name"] = "De-identified practice";
        }

        Prune(root);
        return root.ToJsonString();
    }

    /// <summary>Removes what the cleaning emptied (a concept that was only text, a meta that was only a version): FHIR has no empty elements.</summary>
    private static bool Prune(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var name in obj.Where(p => Prune(p.Value)).Select(p => p.Key).ToList())
                {
                    obj.Remove(name);
                }

                return obj.Count == 0;
            case JsonArray array:
                foreach (var element in array.Where(Prune).ToList())
                {
                    array.Remove(element);
                }

                return array.Count == 0;
            default:
                return node is null;
        }
    }

    private void Clean(JsonNode node, int? shift)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var name in obj.Select(p => p.Key).ToList())
                {
                    if (Removed.Contains(name))
                    {
                        obj.Remove(name);
                        continue;
                    }

                    var value = obj[name];
                    if (name == "answer" && value is JsonArray answers)
                    {
                        // A free-text answer is the client's own words: the answer goes, the question stays.
                        foreach (var answer in answers.OfType<JsonObject>().Where(a => a.ContainsKey("valueString")).ToList())
                        {
                            answers.Remove(answer);
                        }
                    }

                    if (name == "reference" && value is JsonValue reference && reference.TryGetValue<string>(out var text) && RelativeReference().Match(text) is { Success: true } match)
                    {
                        obj[name] = $"{match.Groups["type"].Value}/{Pseudonym(match.Groups["type"].Value, match.Groups["id"].Value)}";
                    }
                    else if (name != "birthDate" && shift is { } days && value is JsonValue date && date.TryGetValue<string>(out var s) && FhirDate().IsMatch(s))
                    {
                        obj[name] = Shift(s, days);
                    }
                    else if (value is not null)
                    {
                        Clean(value, shift);
                    }
                }

                break;
            case JsonArray array:
                foreach (var element in array.ToList())
                {
                    if (element is JsonValue date && shift is { } days && date.TryGetValue<string>(out var s) && FhirDate().IsMatch(s))
                    {
                        array[array.IndexOf(element)] = Shift(s, days);
                    }
                    else if (element is not null)
                    {
                        Clean(element, shift);
                    }
                }

                break;
        }
    }

    private void ReduceBirthDate(JsonObject patient)
    {
        if (patient["birthDate"]?.GetValue<string>() is not { Length: >= 4 } birth
            || !int.TryParse(birth[..4], NumberStyles.None, CultureInfo.InvariantCulture, out var year))
        {
            return;
        }

        var born = DateOnly.TryParseExact(birth, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : new DateOnly(year, 1, 1);
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var age = today.Year - born.Year - (today < born.AddYears(today.Year - born.Year) ? 1 : 0);
        if (age >= 90)
        {
            // HIPAA Safe Harbor: ages over 89 are one group, "90 or older", and the birth year would say more.
            patient.Remove("birthDate");
            var meta = patient["meta"] as JsonObject ?? new JsonObject();
            patient["meta"] = meta;
            var tags = meta["tag"] as JsonArray ?? [];
            meta["tag"] = tags;
            tags.Add(new JsonObject { ["system"] = TagSystem, ["code"] = "age-90-or-over" });
        }
        else
        {
            patient["birthDate"] = year.ToString("D4", CultureInfo.InvariantCulture);
        }
    }

    private string Pseudonym(string type, string id) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"id:{type}/{id}")))[..32];

    /// <summary>The patient's own offset: 1 to 182 days, earlier or later, from the export's key.</summary>
    private int ShiftFor(Guid patient)
    {
        var hash = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"shift:{patient}"));
        var days = 1 + (BitConverter.ToUInt16(hash, 0) % 182);
        return (hash[2] & 1) == 0 ? days : -days;
    }

    private static string Shift(string value, int days)
    {
        if (value.Length == 7)
        {
            var month = DateOnly.ParseExact(value + "-15", "yyyy-MM-dd", CultureInfo.InvariantCulture).AddDays(days);
            return month.ToString("yyyy-MM", CultureInfo.InvariantCulture);
        }

        if (value.Length == 10)
        {
            return DateOnly.ParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture).AddDays(days).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at)
            ? at.AddDays(days).ToString("yyyy-MM-ddTHH:mm:ss.fffzzz", CultureInfo.InvariantCulture)
            : value;
    }
}
