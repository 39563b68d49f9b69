using Rapport.Audit;
using Hl7.Fhir.Model;
using Microsoft.EntityFrameworkCore;
using Rapport.Clients;
using Rapport.Persistence;
using static Hl7.Fhir.Model.CapabilityStatement;

namespace Rapport.Fhir.Patients;

/// <summary>Patient: a client, as the Client query filters let the viewer see them (their care team, the client themself, the practice admin's account list).</summary>
// Returned only through ReadFhirResource or SearchFhirResources, which write one read entry naming every client the response holds.
[Audits(AuditedAs.PartOfClientRecord)]
public sealed class PatientResources(RapportDb db) : IFhirResources
{
    public FhirResourceRegistration Registration { get; } = new(
        "Patient",
        [TypeRestfulInteraction.Read, TypeRestfulInteraction.SearchType],
        [
            FhirSearchParameter.For<Patient>("_id", SearchParamType.Token, "The client's id", p => [new TokenValue(null, p.Id)]),
            FhirSearchParameter.For<Patient>("name", SearchParamType.String, "Starts of the name or of any word in it", p => p.Name.Select(n => new StringValue(n.Text))),
            FhirSearchParameter.For<Patient>("identifier", SearchParamType.Token, $"{FhirCodes.ClientIdentifier}|id", p => p.Identifier.Select(i => new TokenValue(i.System, i.Value))),
            FhirSearchParameter.For<Patient>("birthdate", SearchParamType.Date, "Date of birth", p => [DateValue.Of(p.BirthDate)]),
        ],
        [],
        [],
        ["everything"]);

    public async Task<FhirItem?> ReadAsync(string id, CancellationToken cancellationToken) =>
        Guid.TryParse(id, out var guid) ? (await LoadAsync(guid, cancellationToken)).FirstOrDefault() : null;

    public async Task<IReadOnlyList<FhirItem>> LoadAsync(Guid? patientId, CancellationToken cancellationToken)
    {
        var query = db.Clients.AsNoTracking();
        if (patientId is { } id)
        {
            query = query.Where(c => c.Id == id);
        }

        var clients = await query.ToListAsync(cancellationToken);
        return [.. clients.Select(c => new FhirItem(Map(c), FhirCodes.Utc(c.CreatedAt), c.PracticeId, c.Id, c.Id))];
    }

    public static Patient Map(Client client)
    {
        ArgumentNullException.ThrowIfNull(client);
        var words = client.DisplayName.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var patient = new Patient
        {
            Id = client.Id.ToString(),
            Meta = FhirCodes.Meta(FhirCodes.Version(client.Version), null),
            Identifier = [new Identifier(FhirCodes.ClientIdentifier, client.Id.ToString())],
            Active = client.ErasedAt is null,
            Name = [new HumanName { Text = client.DisplayName, Family = words.Length > 1 ? words[^1] : null, Given = words.Length > 1 ? words[..^1] : words }],
            BirthDate = client.DateOfBirth?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            ManagingOrganization = FhirCodes.Ref("Organization", client.PracticeId),
        };
        if (!string.IsNullOrEmpty(client.Email))
        {
            patient.Telecom.Add(new ContactPoint(ContactPoint.ContactPointSystem.Email, ContactPoint.ContactPointUse.Home, client.Email));
        }

        return patient;
    }
}
