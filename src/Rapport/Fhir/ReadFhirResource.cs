using Rapport.Audit;
using Rapport.Fhir.Search;
using Rapport.Persistence;

namespace Rapport.Fhir;

/// <summary>GET [type]/[id]: one resource through the filters, audited as the pages audit a read; <c>null</c> is 404.</summary>
[Audits(AuditedAs.ClientReads)]
public sealed class ReadFhirResource(FhirCatalog catalog, RapportDb db)
{
    public async Task<FhirItem?> HandleAsync(string type, string id, CancellationToken cancellationToken)
    {
        var resources = catalog.Get(type) ?? throw FhirProblem.NotFound($"The resource type {type}");
        var item = await resources.ReadAsync(id, cancellationToken);
        if (item is not null)
        {
            await SearchFhirResources.AuditAsync(db, type, [item], cancellationToken);
        }

        return item;
    }
}
