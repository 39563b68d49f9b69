using Hl7.Fhir.Model;
using Rapport.Audit;
using Rapport.Persistence;
using static Hl7.Fhir.Model.CapabilityStatement;

namespace Rapport.Fhir.AuditEvents;

/// <summary>
/// AuditEvent: the access log a client sees on "Who has looked at my record" (staff reads, break-glass), for the client's
/// own token only. Staff get none here: the practice's whole trail is not a FHIR read.
/// </summary>
// Returned only through ReadFhirResource or SearchFhirResources, which write one read entry naming every client the response holds.
[Audits(AuditedAs.PartOfClientRecord)]
public sealed class AuditEventResources(RapportDb db) : IFhirResources
{
    public FhirResourceRegistration Registration { get; } = new(
        "AuditEvent",
        [TypeRestfulInteraction.Read, TypeRestfulInteraction.SearchType],
        [FhirSearchParameter.For<AuditEvent>("patient", SearchParamType.Reference, "The client whose record was accessed", a => a.Entity.Select(e => ReferenceValue.Of(e.What)))],
        [],
        [],
        []);

    public async Task<FhirItem?> ReadAsync(string id, CancellationToken cancellationToken) =>
        Guid.TryParse(id, out var guid) ? (await LoadAsync(null, cancellationToken, guid)).FirstOrDefault() : null;

    public Task<IReadOnlyList<FhirItem>> LoadAsync(Guid? patientId, CancellationToken cancellationToken) => LoadAsync(patientId, cancellationToken, null);

    private async Task<IReadOnlyList<FhirItem>> LoadAsync(Guid? patientId, CancellationToken cancellationToken, Guid? entryId)
    {
        if (db.Viewer.ClientId is not { } clientId || db.Viewer.PracticeId is not { } practiceId || (patientId is not null && patientId != clientId))
        {
            return [];
        }

        var entries = await AuditEntriesConcerning.StaffAccessAsync(db, clientId, practiceId, 1000, entryId, cancellationToken);
        return [.. entries.Select(e => new FhirItem(Map(e, clientId), FhirCodes.Utc(e.At), null, null, e.Id))];
    }

    // The entity is the requesting client alone: an entry that named several (a dashboard) never shows the others.
    private static AuditEvent Map(AuditEntry e, Guid clientId) => new()
    {
        Id = e.Id.ToString(),
        Meta = FhirCodes.Meta("1", e.At),
        Type = new Coding("http://dicom.nema.org/resources/ontology/DCM", "110110", "Patient Record"),
        Action = e.Action switch
        {
            AuditAction.Create => AuditEvent.AuditEventAction.C,
            AuditAction.Update => AuditEvent.AuditEventAction.U,
            AuditAction.Delete => AuditEvent.AuditEventAction.D,
            AuditAction.Export or AuditAction.BreakGlass => AuditEvent.AuditEventAction.E,
            _ => AuditEvent.AuditEventAction.R,
        },
        Recorded = FhirCodes.Utc(e.At),
        Outcome = AuditEvent.AuditEventOutcome.N0,
        PurposeOfEvent = e.Reason is null ? [] : [new CodeableConcept { Text = e.Reason }],
        Agent = [new AuditEvent.AgentComponent { Who = new ResourceReference { Display = e.ActorName }, Name = e.ActorName, Requestor = true, Role = [new CodeableConcept { Text = e.ActorRole }] }],
        Source = new AuditEvent.SourceComponent { Observer = new ResourceReference { Display = "Rapport" } },
        Entity = [new AuditEvent.EntityComponent { What = FhirCodes.Ref("Patient", clientId), Name = e.RecordType }],
    };
}
