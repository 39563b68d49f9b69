namespace Rapport.Fhir;

/// <summary>The resource types registered with <see cref="FhirServices.AddFhir"/>, by type name.</summary>
public sealed class FhirCatalog(IEnumerable<IFhirResources> resources)
{
    private readonly Dictionary<string, IFhirResources> _byType = resources.ToDictionary(r => r.Registration.Type, StringComparer.Ordinal);

    public IReadOnlyCollection<IFhirResources> All => _byType.Values;

    public IFhirResources? Get(string type) => _byType.GetValueOrDefault(type);
}
