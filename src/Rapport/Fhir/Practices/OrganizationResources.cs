using Rapport.Audit;
using Hl7.Fhir.Model;
using Microsoft.EntityFrameworkCore;
using Rapport.Persistence;
using static Hl7.Fhir.Model.CapabilityStatement;

namespace Rapport.Fhir.Practices;

/// <summary>Organization: the viewer's own practice (practices carry no query filter, so it is narrowed here).</summary>
// Returned only through ReadFhirResource or SearchFhirResources, which write one read entry naming every client the response holds.
[Audits(AuditedAs.PartOfClientRecord)]
public sealed class OrganizationResources(RapportDb db) : IFhirResources
{
    public FhirResourceRegistration Registration { get; } = new("Organization", [TypeRestfulInteraction.Read], [], [], [], []);

    public async Task<FhirItem?> ReadAsync(string id, CancellationToken cancellationToken) =>
        (await LoadAsync(null, cancellationToken)).FirstOrDefault(i => i.Resource.Id == id);

    public async Task<IReadOnlyList<FhirItem>> LoadAsync(Guid? patientId, CancellationToken cancellationToken)
    {
        var viewer = db.Viewer;
        var practices = await db.Practices.AsNoTracking().Where(p => viewer.IsSystem || p.Id == viewer.PracticeId).ToListAsync(cancellationToken);
        return [.. practices.Select(p => new FhirItem(new Organization
        {
            Id = p.Id.ToString(),
            Meta = FhirCodes.Meta(FhirCodes.Version(p.Version), null),
            Identifier = [new Identifier(FhirCodes.PracticeIdentifier, p.Slug)],
            Active = true,
            Name = p.Name,
        }, null, null, null, p.Id))];
    }
}
