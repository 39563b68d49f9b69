using Rapport.Audit;
using Hl7.Fhir.Model;
using Microsoft.EntityFrameworkCore;
using Rapport.Persistence;
using Rapport.Sessions;
using static Hl7.Fhir.Model.CapabilityStatement;

namespace Rapport.Fhir.Encounters;

/// <summary>
/// Encounter: a session. Its subject is the patient when the viewer sees exactly one member of the episode (an
/// individual episode, or a client looking at their own couple or group sessions); a therapist's view of a couple or
/// group session has no single subject, so <c>patient</c> search does not find it (see docs/fhir.md).
/// </summary>
// Returned only through ReadFhirResource or SearchFhirResources, which write one read entry naming every client the response holds.
[Audits(AuditedAs.PartOfClientRecord)]
public sealed class EncounterResources(RapportDb db) : IFhirResources
{
    private const string ActCode = "http://terminology.hl7.org/CodeSystem/v3-ActCode";

    public FhirResourceRegistration Registration { get; } = new(
        "Encounter",
        [TypeRestfulInteraction.Read, TypeRestfulInteraction.SearchType],
        [
            FhirSearchParameter.For<Encounter>("patient", SearchParamType.Reference, "The client the session was with", e => [ReferenceValue.Of(e.Subject)]),
            FhirSearchParameter.For<Encounter>("date", SearchParamType.Date, "When the session starts", e => [DateValue.Of(e.Period?.Start)]),
        ],
        [],
        [],
        []);

    public async Task<FhirItem?> ReadAsync(string id, CancellationToken cancellationToken) =>
        Guid.TryParse(id, out var guid) ? (await LoadAsync(null, cancellationToken, guid)).FirstOrDefault() : null;

    public Task<IReadOnlyList<FhirItem>> LoadAsync(Guid? patientId, CancellationToken cancellationToken) => LoadAsync(patientId, cancellationToken, null);

    private async Task<IReadOnlyList<FhirItem>> LoadAsync(Guid? patientId, CancellationToken cancellationToken, Guid? sessionId)
    {
        // As for CareTeam: the care team or a member, never through a break-glass grant for another member.
        var me = db.Viewer.ClientId;
        var reachable = db.EpisodesByCareOrMembership.Select(e => e.Id);
        var query = db.Sessions.AsNoTracking().Where(s => reachable.Contains(s.EpisodeId));
        if (patientId is { } p)
        {
            query = query.Where(s => s.Episode!.Members.Any(m => m.ClientId == p));
        }

        if (sessionId is { } id)
        {
            query = query.Where(s => s.Id == id);
        }

        var sessions = await query.Select(s => new
        {
            Session = s,
            Members = s.Episode!.Members.Select(m => m.ClientId).ToList(),
            Recorded = s.Attendees.Any(),
            WasThere = s.Attendees.Any(a => a.ClientId == me),
            Team = s.Episode.CareTeam.Select(t => new { t.StaffMemberId, t.StaffMember!.DisplayName }).ToList(),
        }).ToListAsync(cancellationToken);
        var memberIds = sessions.SelectMany(s => s.Members).Distinct().ToList();
        var visible = (await db.Clients.Where(c => memberIds.Contains(c.Id)).Select(c => c.Id).ToListAsync(cancellationToken)).ToHashSet();

        return [.. sessions.Select(x =>
        {
            var s = x.Session;
            var members = x.Members.Where(visible.Contains).ToList();
            var subject = members.Count == 1 ? members[0] : (Guid?)null;
            // A client sees the session as they lived it (a couple session they missed did not happen for them).
            var status = db.Viewer.IsClient ? MemberAttendance.StatusFor(s.Status, x.Recorded, x.WasThere) : s.Status;
            var encounter = new Encounter
            {
                Id = s.Id.ToString(),
                Meta = FhirCodes.Meta(FhirCodes.Version(s.Version), null),
                Status = status switch
                {
                    SessionStatus.Attended => Encounter.EncounterStatus.Finished,
                    SessionStatus.Cancelled or SessionStatus.DidNotAttend => Encounter.EncounterStatus.Cancelled,
                    _ => Encounter.EncounterStatus.Planned,
                },
                Class = s.Setting == SessionSetting.InPerson ? new Coding(ActCode, "AMB", "ambulatory") : new Coding(ActCode, "VR", "virtual"),
                Type = [new CodeableConcept(FhirCodes.CanonicalBase + "/CodeSystem/session", $"session-{status}".ToLowerInvariant(), $"Session {s.Number}: {status}")],
                Subject = subject is { } one ? FhirCodes.Ref("Patient", one) : null,
                Participant = [.. x.Team.Select(t => new Encounter.ParticipantComponent { Individual = FhirCodes.Ref("Practitioner", t.StaffMemberId, t.DisplayName) })],
                Period = new Period(new FhirDateTime(FhirCodes.Utc(s.StartsAt)), new FhirDateTime(FhirCodes.Utc(s.StartsAt.AddMinutes(s.DurationMinutes)))),
                Length = new Duration { Value = s.DurationMinutes, System = FhirCodes.Ucum, Code = "min", Unit = "min" },
            };
            return new FhirItem(encounter, FhirCodes.Utc(s.StartsAt), s.PracticeId, subject ?? (members.Count > 0 ? members[0] : null), s.Id, members);
        })];
    }
}
