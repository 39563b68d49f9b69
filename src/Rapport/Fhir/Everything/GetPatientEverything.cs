using Rapport.Audit;
using Hl7.Fhir.Model;
using Rapport.Fhir.Search;
using Rapport.Persistence;

namespace Rapport.Fhir.Everything;

/// <summary>
/// Patient/$everything for the client's own token (GDPR Art. 20 portability in a form health software reads): their
/// Patient, care teams, sessions, responses, scores, flags, consents and access log, plus the practice and the
/// practitioners they reference. Built through the same filters as every read, so a couple member's bundle holds none
/// of their partner's answers. One "export" entry in the audit trail.
/// </summary>
[Audits(AuditedAs.ClientReads)]
public sealed class GetPatientEverything(FhirCatalog catalog, RapportDb db)
{
    private static readonly string[] PatientTypes = ["CareTeam", "Encounter", "QuestionnaireResponse", "Observation", "Flag", "Consent", "AuditEvent"];

    public async Task<Bundle?> HandleAsync(Guid? patientId, string baseUrl, CancellationToken cancellationToken)
    {
        if (db.Viewer.ClientId is not { } own || (patientId is not null && patientId != own))
        {
            return null;
        }

        var patient = await catalog.Get("Patient")!.ReadAsync(own.ToString(), cancellationToken);
        if (patient is null)
        {
            return null;
        }

        var items = new List<FhirItem> { patient };
        foreach (var type in PatientTypes)
        {
            items.AddRange(await catalog.Get(type)!.LoadAsync(own, cancellationToken));
        }

        items.AddRange(await catalog.Get("Organization")!.LoadAsync(null, cancellationToken));
        items.AddRange(await catalog.Get("Practitioner")!.LoadAsync(null, cancellationToken));
        var questionnaires = items.Select(i => i.Resource).OfType<QuestionnaireResponse>().Select(q => q.Questionnaire).ToHashSet(StringComparer.Ordinal);
        items.AddRange((await catalog.Get("Questionnaire")!.LoadAsync(null, cancellationToken)).Where(q => questionnaires.Contains(((Questionnaire)q.Resource).Url)));

        await db.AddAuditEntryAsync(Audit.AuditAction.Export, "Patient/$everything", own.ToString(), patient.PracticeId!.Value, own, null, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);

        var bundle = new Bundle { Id = Guid.NewGuid().ToString(), Type = Bundle.BundleType.Searchset, Total = items.Count, Timestamp = DateTimeOffset.UtcNow };
        bundle.Link.Add(new Bundle.LinkComponent { Relation = "self", Url = $"{baseUrl}/Patient/{own}/$everything" });
        bundle.Entry.AddRange(items.DistinctBy(i => (i.Resource.TypeName, i.Resource.Id)).Select(i => SearchFhirResources.Entry(baseUrl, i.Resource, Bundle.SearchEntryMode.Match)));
        return bundle;
    }
}
