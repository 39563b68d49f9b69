using Rapport.Audit;
using Hl7.Fhir.Model;
using Microsoft.EntityFrameworkCore;
using Rapport.Consents;
using Rapport.Persistence;
using static Hl7.Fhir.Model.CapabilityStatement;

namespace Rapport.Fhir.Consents;

/// <summary>Consent: one row of the consent ledger, with the exact wording the client agreed to as its policy rule.</summary>
// Returned only through ReadFhirResource or SearchFhirResources, which write one read entry naming every client the response holds.
[Audits(AuditedAs.PartOfClientRecord)]
public sealed class ConsentResources(RapportDb db) : IFhirResources
{
    public FhirResourceRegistration Registration { get; } = new(
        "Consent",
        [TypeRestfulInteraction.Read, TypeRestfulInteraction.SearchType],
        [FhirSearchParameter.For<Hl7.Fhir.Model.Consent>("patient", SearchParamType.Reference, "The client", c => [ReferenceValue.Of(c.Patient)])],
        [],
        [],
        []);

    public async Task<FhirItem?> ReadAsync(string id, CancellationToken cancellationToken) =>
        Guid.TryParse(id, out var guid) ? (await LoadAsync(null, cancellationToken, guid)).FirstOrDefault() : null;

    public Task<IReadOnlyList<FhirItem>> LoadAsync(Guid? patientId, CancellationToken cancellationToken) => LoadAsync(patientId, cancellationToken, null);

    private async Task<IReadOnlyList<FhirItem>> LoadAsync(Guid? patientId, CancellationToken cancellationToken, Guid? consentId)
    {
        var query = db.Consents.AsNoTracking();
        if (patientId is { } p)
        {
            query = query.Where(c => c.ClientId == p);
        }

        if (consentId is { } id)
        {
            query = query.Where(c => c.Id == id);
        }

        return [.. (await query.ToListAsync(cancellationToken)).Select(c => new FhirItem(Map(c), FhirCodes.Utc(c.GivenAt), c.PracticeId, c.ClientId, c.Id))];
    }

    private static Hl7.Fhir.Model.Consent Map(Rapport.Consents.Consent c) => new()
    {
        Id = c.Id.ToString(),
        Meta = FhirCodes.Meta(FhirCodes.Version(c.Version), c.WithdrawnAt ?? c.GivenAt),
        Status = c.WithdrawnAt is null ? Hl7.Fhir.Model.Consent.ConsentState.Active : Hl7.Fhir.Model.Consent.ConsentState.Inactive,
        Scope = c.Kind == ConsentKind.ResearchExport
            ? new CodeableConcept("http://terminology.hl7.org/CodeSystem/consentscope", "research", "Research")
            : new CodeableConcept("http://terminology.hl7.org/CodeSystem/consentscope", "treatment", "Treatment"),
        Category = [new CodeableConcept(FhirCodes.Loinc, "59284-0", "Patient Consent"), new CodeableConcept(FhirCodes.CanonicalBase + "/CodeSystem/consent-kind", c.Kind.ToString(), c.Kind.ToString())],
        Patient = FhirCodes.Ref("Patient", c.ClientId),
        DateTime = FhirCodes.Instant(c.GivenAt),
        Organization = [FhirCodes.Ref("Organization", c.PracticeId)],
        PolicyRule = new CodeableConcept { Text = c.Wording },
        Provision = new Hl7.Fhir.Model.Consent.provisionComponent
        {
            Type = Hl7.Fhir.Model.Consent.ConsentProvisionType.Permit,
            Period = new Period(new FhirDateTime(FhirCodes.Utc(c.GivenAt)), c.WithdrawnAt is { } w ? new FhirDateTime(FhirCodes.Utc(w)) : null),
        },
    };
}
