namespace Rapport.Fhir;

/// <summary>The resource types registered with <see cref="FhirServices.AddFhir"/>, by type name.</summary>
public sealed class FhirCatalog(IEnumerable<IFhirResources> resources)
{
    private readonly Dictionary<string, IFhirResources> _byType = resources.ToDictionary(r => r.Registration.Type, StringComparer.Ordinal);

    public IReadOnlyCollection<IFhirResources> All => _byType.Values;

    public IFhirResources? Get(string type) => _byType.GetValueOrDefault(type);
}

/// <summary>
/// An operation on the whole server (not on one type): declared here once, so the CapabilityStatement states exactly the
/// ones the endpoints map (<c>/fhir/$name</c>).
/// </summary>
public sealed record FhirSystemOperation(string Name, string Definition, string? Instantiates)
{
    /// <summary>Bulk Data $export at practice level (SMART Backend Services systems only).</summary>
    public static FhirSystemOperation Export { get; } = new("export", "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export",
        "http://hl7.org/fhir/uv/bulkdata/CapabilityStatement/bulk-data");

    public static IReadOnlyList<FhirSystemOperation> All { get; } = [Export];
}
