using Hl7.Fhir.Model;

namespace Rapport.Fhir;

/// <summary>GET metadata: the CapabilityStatement, built from the registered resource types, so it states exactly what is served.</summary>
public sealed class FhirCapabilities(FhirCatalog catalog, TimeProvider clock)
{
    public CapabilityStatement Build(string baseUrl) => new()
    {
        Id = "rapport",
        Url = $"{baseUrl}/metadata",
        Name = "Rapport",
        Title = "Rapport FHIR R4 API",
        Status = PublicationStatus.Active,
        Date = clock.GetUtcNow().ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        Publisher = "Rapport",
        Kind = CapabilityStatementKind.Instance,
        Software = new CapabilityStatement.SoftwareComponent { Name = "Rapport" },
        Implementation = new CapabilityStatement.ImplementationComponent { Description = "Rapport", Url = baseUrl },
        FhirVersion = FHIRVersion.N4_0_1,
        Format = ["json", "application/fhir+json"],
        Rest =
        [
            new CapabilityStatement.RestComponent
            {
                Mode = CapabilityStatement.RestfulCapabilityMode.Server,
                Documentation = "Sign in with POST /api/identity/login and send the token as a bearer token; you see what the same person sees in Rapport's pages.",
                Resource = [.. catalog.All.OrderBy(r => r.Registration.Type, StringComparer.Ordinal).Select(r => Resource(r.Registration))],
            },
        ],
    };

    private static CapabilityStatement.ResourceComponent Resource(FhirResourceRegistration r) => new()
    {
        Type = r.Type,
        Profile = $"http://hl7.org/fhir/StructureDefinition/{r.Type}",
        Interaction = [.. r.Interactions.Select(i => new CapabilityStatement.ResourceInteractionComponent { Code = i })],
        Versioning = CapabilityStatement.ResourceVersionPolicy.Versioned,
        ReadHistory = false,
        UpdateCreate = false,
        ConditionalCreate = false,
        ConditionalUpdate = false,
        ConditionalDelete = CapabilityStatement.ConditionalDeleteStatus.NotSupported,
        SearchInclude = [.. r.Includes.Select(i => i.ToString())],
        SearchRevInclude = [.. r.RevIncludes.Select(i => i.ToString())],
        SearchParam = [.. r.SearchParameters.Select(p => new CapabilityStatement.SearchParamComponent
        {
            Name = p.Name,
            Type = p.Type,
            Definition = p.Definition(r.Type),
            Documentation = p.Documentation,
        })],
        Operation = [.. r.Operations.Select(o => new CapabilityStatement.OperationComponent
        {
            Name = o,
            Definition = $"http://hl7.org/fhir/OperationDefinition/{r.Type}-{o}",
        })],
    };
}
