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
        Instantiates = [.. FhirSystemOperation.All.Select(o => o.Instantiates).OfType<string>()],
        Format = ["json", "application/fhir+json"],
        Rest =
        [
            new CapabilityStatement.RestComponent
            {
                Mode = CapabilityStatement.RestfulCapabilityMode.Server,
                Documentation = "A person signs in with POST /api/identity/login and sends the token as a bearer token: they see what they see in Rapport's pages. "
                    + "A system a practice admin registered uses SMART Backend Services (see /.well-known/smart-configuration): read-only, its practice only.",
                Security = new CapabilityStatement.SecurityComponent
                {
                    Service = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/restful-security-service", "SMART-on-FHIR", "SMART-on-FHIR")],
                    Description = "SMART Backend Services: client_credentials with a private_key_jwt assertion (RS384 or ES384); token endpoint in /.well-known/smart-configuration.",
                },
                Operation = [.. FhirSystemOperation.All.Select(o => new CapabilityStatement.OperationComponent { Name = o.Name, Definition = o.Definition })],
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
