using Rapport.Audit;
using Hl7.Fhir.Model;
using Microsoft.EntityFrameworkCore;
using Rapport.Episodes;
using Rapport.Persistence;
using static Hl7.Fhir.Model.CapabilityStatement;

namespace Rapport.Fhir.CareTeams;

/// <summary>
/// CareTeam: an episode of care, its therapists and its members. Members are listed only as far as the viewer may see
/// them (the Client filter): a client in a couple sees themself and the therapists, never the partner.
/// </summary>
// Returned only through ReadFhirResource or SearchFhirResources, which write one read entry naming every client the response holds.
[Audits(AuditedAs.PartOfClientRecord)]
public sealed class CareTeamResources(RapportDb db) : IFhirResources
{
    public FhirResourceRegistration Registration { get; } = new(
        "CareTeam",
        [TypeRestfulInteraction.Read, TypeRestfulInteraction.SearchType],
        [
            FhirSearchParameter.For<CareTeam>("patient", SearchParamType.Reference, "A member of the episode",
                c => c.Participant.Select(p => ReferenceValue.Of(p.Member)).OfType<ReferenceValue>().Where(r => r.Type == "Patient")),
        ],
        [],
        [],
        []);

    public async Task<FhirItem?> ReadAsync(string id, CancellationToken cancellationToken) =>
        Guid.TryParse(id, out var guid) ? (await LoadAsync(null, cancellationToken, guid)).FirstOrDefault() : null;

    public Task<IReadOnlyList<FhirItem>> LoadAsync(Guid? patientId, CancellationToken cancellationToken) => LoadAsync(patientId, cancellationToken, null);

    private async Task<IReadOnlyList<FhirItem>> LoadAsync(Guid? patientId, CancellationToken cancellationToken, Guid? episodeId)
    {
        // Through FHIR only a care team (or a supervisor) or a member reads an episode: a break-glass grant is for one
        // person's record (the record page), and a shared episode names and concerns every member.
        var query = db.EpisodesByCareOrMembership.AsNoTracking();
        if (patientId is { } p)
        {
            query = query.Where(e => e.Members.Any(m => m.ClientId == p));
        }

        if (episodeId is { } id)
        {
            query = query.Where(e => e.Id == id);
        }

        var episodes = await query.Select(e => new
        {
            Episode = e,
            Team = e.CareTeam.Select(t => new { t.StaffMemberId, t.IsLead, t.StaffMember!.DisplayName }).ToList(),
            Members = e.Members.Select(m => new { m.ClientId, m.JoinedOn, m.LeftOn }).ToList(),
        }).ToListAsync(cancellationToken);
        var memberIds = episodes.SelectMany(e => e.Members.Select(m => m.ClientId)).Distinct().ToList();
        var visible = (await db.Clients.Where(c => memberIds.Contains(c.Id)).Select(c => c.Id).ToListAsync(cancellationToken)).ToHashSet();

        var items = new List<FhirItem>();
        foreach (var e in episodes)
        {
            var members = e.Members.Where(m => visible.Contains(m.ClientId)).ToList();
            var team = new CareTeam
            {
                Id = e.Episode.Id.ToString(),
                Meta = FhirCodes.Meta(FhirCodes.Version(e.Episode.Version), null),
                Status = e.Episode.Status switch
                {
                    EpisodeStatus.Referred => CareTeam.CareTeamStatus.Proposed,
                    EpisodeStatus.Paused => CareTeam.CareTeamStatus.Suspended,
                    EpisodeStatus.Ended => CareTeam.CareTeamStatus.Inactive,
                    _ => CareTeam.CareTeamStatus.Active,
                },
                // The title is the care team's own words (it often names the members): never shown to a client.
                Name = db.Viewer.IsClient ? null : e.Episode.Title,
                Category = [new CodeableConcept(FhirCodes.CanonicalBase + "/CodeSystem/episode-format", e.Episode.Format.ToString(), e.Episode.Format.ToString())],
                Subject = e.Episode.Format == EpisodeFormat.Individual && members.Count == 1 ? FhirCodes.Ref("Patient", members[0].ClientId) : null,
                Period = new Period(new FhirDateTime(e.Episode.StartedOn.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)),
                    e.Episode.EndedOn is { } ended ? new FhirDateTime(ended.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)) : null),
                ManagingOrganization = [FhirCodes.Ref("Organization", e.Episode.PracticeId)],
            };
            team.Participant.AddRange(e.Team.OrderByDescending(t => t.IsLead).Select(t => new CareTeam.ParticipantComponent
            {
                Role = [new CodeableConcept(FhirCodes.StaffRole, t.IsLead ? "lead-therapist" : "therapist", t.IsLead ? "Lead therapist" : "Therapist")],
                Member = FhirCodes.Ref("Practitioner", t.StaffMemberId, t.DisplayName),
            }));
            team.Participant.AddRange(members.Select(m => new CareTeam.ParticipantComponent
            {
                Role = [new CodeableConcept(FhirCodes.StaffRole, "member", "Member")],
                Member = FhirCodes.Ref("Patient", m.ClientId),
                Period = new Period(new FhirDateTime(m.JoinedOn.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)),
                    m.LeftOn is { } left ? new FhirDateTime(left.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)) : null),
            }));
            var start = e.Episode.StartedOn.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            // Filed under the first member shown; audited for every member shown (a couple's episode concerns both).
            items.Add(new FhirItem(team, FhirCodes.Utc(start), e.Episode.PracticeId, members.FirstOrDefault()?.ClientId, e.Episode.Id, [.. members.Select(m => m.ClientId)]));
        }

        return items;
    }
}
