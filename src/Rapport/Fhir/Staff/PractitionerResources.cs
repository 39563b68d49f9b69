using Rapport.Audit;
using Hl7.Fhir.Model;
using Microsoft.EntityFrameworkCore;
using Rapport.Persistence;
using Rapport.Staff;
using static Hl7.Fhir.Model.CapabilityStatement;

namespace Rapport.Fhir.Staff;

/// <summary>
/// The staff a viewer may know of: for staff, their practice's (the tenant filter); for a client, only the therapists on
/// their own care teams, so a client cannot list the practice's staff.
/// </summary>
internal static class VisibleStaff
{
    public static async Task<List<StaffMember>> LoadAsync(RapportDb db, CancellationToken cancellationToken)
    {
        var query = db.StaffMembers.AsNoTracking();
        if (db.Viewer.IsClient)
        {
            var team = db.Episodes.SelectMany(e => e.CareTeam).Select(t => t.StaffMemberId);
            query = query.Where(s => team.Contains(s.Id));
        }

        return await query.ToListAsync(cancellationToken);
    }
}

/// <summary>Practitioner: a staff member.</summary>
// Returned only through ReadFhirResource or SearchFhirResources, which write one read entry naming every client the response holds.
[Audits(AuditedAs.PartOfClientRecord)]
public sealed class PractitionerResources(RapportDb db) : IFhirResources
{
    public FhirResourceRegistration Registration { get; } = new("Practitioner", [TypeRestfulInteraction.Read], [], [], [], []);

    public async Task<FhirItem?> ReadAsync(string id, CancellationToken cancellationToken) =>
        (await LoadAsync(null, cancellationToken)).FirstOrDefault(i => i.Resource.Id == id);

    public async Task<IReadOnlyList<FhirItem>> LoadAsync(Guid? patientId, CancellationToken cancellationToken) =>
        [.. (await VisibleStaff.LoadAsync(db, cancellationToken)).Select(s => new FhirItem(new Practitioner
        {
            Id = s.Id.ToString(),
            Meta = FhirCodes.Meta(FhirCodes.Version(s.Version), null),
            Active = s.Active,
            Name = [new HumanName { Text = s.DisplayName }],
            Telecom = [new ContactPoint(ContactPoint.ContactPointSystem.Email, ContactPoint.ContactPointUse.Work, s.Email)],
        }, FhirCodes.Utc(s.CreatedAt), null, null, s.Id))];
}

/// <summary>PractitionerRole: what a staff member does at the practice (therapist, supervisor, practice admin). Same id as the Practitioner.</summary>
// Returned only through ReadFhirResource or SearchFhirResources, which write one read entry naming every client the response holds.
[Audits(AuditedAs.PartOfClientRecord)]
public sealed class PractitionerRoleResources(RapportDb db) : IFhirResources
{
    public FhirResourceRegistration Registration { get; } = new("PractitionerRole", [TypeRestfulInteraction.Read], [], [], [], []);

    public async Task<FhirItem?> ReadAsync(string id, CancellationToken cancellationToken) =>
        (await LoadAsync(null, cancellationToken)).FirstOrDefault(i => i.Resource.Id == id);

    public async Task<IReadOnlyList<FhirItem>> LoadAsync(Guid? patientId, CancellationToken cancellationToken) =>
        [.. (await VisibleStaff.LoadAsync(db, cancellationToken)).Select(s => new FhirItem(new PractitionerRole
        {
            Id = s.Id.ToString(),
            Meta = FhirCodes.Meta(FhirCodes.Version(s.Version), null),
            Active = s.Active,
            Practitioner = FhirCodes.Ref("Practitioner", s.Id, s.DisplayName),
            Organization = FhirCodes.Ref("Organization", s.PracticeId),
            Code = [.. Enum.GetValues<StaffRoles>().Where(r => r != StaffRoles.None && s.Has(r))
                .Select(r => new CodeableConcept(FhirCodes.StaffRole, r.ToString(), r.ToString()))],
        }, FhirCodes.Utc(s.CreatedAt), null, null, s.Id))];
}
