using Hl7.Fhir.Model;

namespace Rapport.Fhir;

/// <summary>
/// The systems and codes Rapport's FHIR resources use. Rapport's own systems live under the same canonical base as its
/// Questionnaires (<c>https://rapport.example.org/fhir/…</c>, the URL the instruments already carry) and are used only
/// where no standard code exists (the Session Check, severity bands, the risk flag).
/// </summary>
public static class FhirCodes
{
    public const string CanonicalBase = "https://rapport.example.org/fhir";
    public const string Loinc = "http://loinc.org";
    public const string Ucum = "http://unitsofmeasure.org";
    public const string ObservationCategory = "http://terminology.hl7.org/CodeSystem/observation-category";
    public const string ClientIdentifier = CanonicalBase + "/sid/client";
    public const string PracticeIdentifier = CanonicalBase + "/sid/practice";
    public const string Measures = CanonicalBase + "/CodeSystem/measures";
    public const string SeverityBand = CanonicalBase + "/CodeSystem/severity-band";
    public const string FlagKind = CanonicalBase + "/CodeSystem/flag";
    public const string AllianceSignal = CanonicalBase + "/CodeSystem/alliance-signal";
    public const string StaffRole = CanonicalBase + "/CodeSystem/staff-role";

    public static ResourceReference Ref(string type, Guid id, string? display = null) => new($"{type}/{id}", display);

    public static ResourceReference Ref(string type, string id, string? display = null) => new($"{type}/{id}", display);

    /// <summary>meta.versionId from the row's concurrency token (it changes on every update), meta.lastUpdated where the row records it.</summary>
    public static Meta Meta(string versionId, DateTime? lastUpdated) => new()
    {
        VersionId = versionId,
        LastUpdated = lastUpdated is { } at ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)) : null,
    };

    public static string Version(Guid version) => version.ToString("N");

    public static string Instant(DateTime at) => new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)).ToString("yyyy-MM-ddTHH:mm:ss.fffzzz", System.Globalization.CultureInfo.InvariantCulture);

    public static DateTimeOffset Utc(DateTime at) => new(DateTime.SpecifyKind(at, DateTimeKind.Utc));
}
