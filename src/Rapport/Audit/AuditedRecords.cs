using Rapport.Alerts;
using Rapport.BreakGlass;
using Rapport.CheckIns;
using Rapport.Clients;
using Rapport.Consents;
using Rapport.Episodes;
using Rapport.Goals;
using Rapport.InRoom;
using Rapport.Invitations;
using Rapport.Listening;
using Rapport.Matching;
using Rapport.Measures;
using Rapport.Practices;
using Rapport.Progress;
using Rapport.Reminders;
using Rapport.Rights;
using Rapport.Sessions;
using Rapport.Staff;
using Rapport.Testimonials;

namespace Rapport.Audit;

/// <summary>
/// Which stored records <c>RapportDb</c> audits when a person adds, changes or deletes one (in the same transaction as
/// the change), and the client each concerns, so the entry shows in that client's access list. Every entity in the
/// model is either here or in <see cref="NotAuditedByRow"/> with the reason: <c>DeclaredAuditTests</c> fails for a new
/// entity that is in neither.
/// </summary>
public static class AuditedRecords
{
    /// <summary>The record id, its practice (whose chain the entry joins) and the client it concerns, if one.</summary>
    public readonly record struct Subject(string RecordId, Guid PracticeId, Guid? ClientId);

    private static readonly Dictionary<Type, Func<object, Subject>> Audited = new()
    {
        [typeof(Client)] = e => e is Client c ? new(c.Id.ToString(), c.PracticeId, c.Id) : default,
        [typeof(CareEpisode)] = e => e is CareEpisode c ? new(c.Id.ToString(), c.PracticeId, null) : default,
        [typeof(Session)] = e => e is Session s ? new(s.Id.ToString(), s.PracticeId, null) : default,
        [typeof(MeasureResponse)] = e => e is MeasureResponse r ? new(r.Id.ToString(), r.PracticeId, r.ClientId) : default,
        [typeof(ClientGoal)] = e => e is ClientGoal g ? new(g.Id.ToString(), g.PracticeId, g.ClientId) : default,
        [typeof(ClientNote)] = e => e is ClientNote n ? new(n.Id.ToString(), n.PracticeId, n.ClientId) : default,
        [typeof(RiskAlert)] = e => e is RiskAlert a ? new(a.Id.ToString(), a.PracticeId, a.ClientId) : default,
        [typeof(Consent)] = e => e is Consent c ? new(c.Id.ToString(), c.PracticeId, c.ClientId) : default,
        [typeof(RightsRequest)] = e => e is RightsRequest r ? new(r.Id.ToString(), r.PracticeId, r.ClientId) : default,
        [typeof(Testimonial)] = e => e is Testimonial t ? new(t.Id.ToString(), t.PracticeId, t.ClientId) : default,
        [typeof(TestimonialInvitation)] = e => e is TestimonialInvitation i ? new(i.Id.ToString(), i.PracticeId, i.ClientId) : default,
        // Matching: a therapist's public profile (who wrote, approved or asked to change it) and a prospective client's
        // referral (not yet a client, so no client id: the referral's own id names it).
        [typeof(TherapistProfile)] = e => e is TherapistProfile p ? new(p.Id.ToString(), p.PracticeId, null) : default,
        [typeof(MatchReferral)] = e => e is MatchReferral r ? new(r.Id.ToString(), r.PracticeId, null) : default,
        // Administration: no client, but who changed the practice's settings, staff and invitations is accountable.
        [typeof(Practice)] = e => e is Practice p ? new(p.Id.ToString(), p.Id, null) : default,
        [typeof(StaffMember)] = e => e is StaffMember s ? new(s.Id.ToString(), s.PracticeId, null) : default,
        [typeof(Supervision)] = e => e is Supervision s ? new(s.Id.ToString(), s.PracticeId, null) : default,
        [typeof(Invitation)] = e => e is Invitation i ? new(i.Id.ToString(), i.PracticeId, i.ClientId) : default,
        [typeof(Systems.ConnectedSystem)] = e => e is Systems.ConnectedSystem s ? new(s.Id.ToString(), s.PracticeId, null) : default,
    };

    /// <summary>Entities deliberately not audited row by row, and why (each reason names where the event is audited instead, if anywhere).</summary>
    public static readonly IReadOnlyDictionary<Type, string> NotAuditedByRow = new Dictionary<Type, string>
    {
        [typeof(AuditEntry)] = "the trail itself (append-only, hash-chained)",
        [typeof(AuditEntrySubject)] = "a look-up derived from the trail's entries by a system job (rebuildable from them)",
        [typeof(AuditSubjectWatermark)] = "how far the system job has indexed the trail; no person and no client",
        [typeof(SessionTranscript)] = "concerns every member of the session: UploadTranscript and ListeningReviews write one entry naming every member",
        [typeof(InRoomPass)] = "StartInRoomCheckIn and RedeemInRoomPass write an entry saying what happened (QR code shown, used, device handed over)",
        [typeof(BreakGlassGrant)] = "OpenBreakGlass writes a BreakGlass entry with the reason, in the same transaction",
        [typeof(EpisodeTherapist)] = "saved with its episode (the episode row's change is audited)",
        [typeof(EpisodeMember)] = "saved with its episode or the invited client (whose change is audited)",
        [typeof(SessionAttendee)] = "saved with its session (the session row's change is audited)",
        [typeof(CheckInDraft)] = "the client's own unsubmitted answers; the submitted MeasureResponse is audited",
        [typeof(CheckInReminder)] = "claimed by the system reminder job (system viewer, decision 0007); carries no clinical content",
        [typeof(PracticeExpectedModel)] = "refitted by a system job from numbers only; no person and no client",
        [typeof(Systems.UsedClientAssertion)] = "a used assertion's issuer and jti, kept to refuse a replay; the token it bought is not clinical data",
        [typeof(Fhir.Export.ExportJob)] = "the request row of a Bulk Data export; the export writes one Export entry per batch naming each patient it reads, as the requesting system",
        [typeof(Fhir.Export.ExportFile)] = "an export's output, audited as the export (one Export entry per batch naming its patients, as the requesting system)",
        [typeof(OpenIddict.EntityFrameworkCore.Models.OpenIddictEntityFrameworkCoreApplication)] = "a connected system's OAuth client, saved with its ConnectedSystem row (whose change is audited)",
        [typeof(OpenIddict.EntityFrameworkCore.Models.OpenIddictEntityFrameworkCoreAuthorization)] = "OpenIddict's authorizations: none are made for client_credentials",
        [typeof(OpenIddict.EntityFrameworkCore.Models.OpenIddictEntityFrameworkCoreScope)] = "OpenIddict's scope registry (unused: scopes are checked against the system's registration)",
        [typeof(OpenIddict.EntityFrameworkCore.Models.OpenIddictEntityFrameworkCoreToken)] = "OpenIddict's token entries: access tokens are not stored (the system's row is checked on every request)",
        [typeof(Jobs.JobClaim)] = "a background job's lease (a job name, an instance name and a time); no person and no client",
        [typeof(Microsoft.AspNetCore.DataProtection.EntityFrameworkCore.DataProtectionKey)] = "the sign-in key ring, written by the framework (encrypted by a certificate outside the database); no person and no client",
    };

    public static IReadOnlyCollection<Type> AuditedTypes => Audited.Keys;

    /// <summary>Identity's own tables (users, roles, claims, logins, tokens, passkeys): account data, changed through Identity.</summary>
    public static bool IsIdentityStore(Type type) =>
        type == typeof(Accounts.RapportUser) || type.Namespace?.StartsWith("Microsoft.AspNetCore.Identity", StringComparison.Ordinal) == true;

    /// <summary>The audit subject of a record a person changed, or null when its type is not audited by row.</summary>
    public static Subject? Describe(object entity) =>
        Audited.TryGetValue(entity.GetType(), out var describe) ? describe(entity) : null;
}
