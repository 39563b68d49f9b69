using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Rapport.Access;
using Rapport.Audit;
using Rapport.Consents;
using Rapport.Persistence;

namespace Rapport.Matching;

/// <summary>
/// A prospective client asks to be contacted by one of the therapists matching listed: the only time anything from the
/// intake is stored, and only with their explicit consent to the wording shown (<see cref="ConsentKind.Referral"/>).
/// It becomes a referral the practice admin and the chosen therapist see (<see cref="GetReferrals"/>).
/// </summary>
[Audits(AuditedAs.Writes)]
public sealed class AskToBeContacted(RapportDb db, FindTherapists find, TimeProvider clock)
{
    public sealed class ContactForm
    {
        public string? Name { get; set; }
        public string? Contact { get; set; }
        public Guid? TherapistProfileId { get; set; }
        public bool Consent { get; set; }
    }

    public const int MaxName = 200, MaxContact = 200;

    public async Task<Outcome<Guid>> HandleAsync(string slug, MatchIntake intake, ContactForm contact, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(intake);
        ArgumentNullException.ThrowIfNull(contact);
        var practice = await db.Practices.AsNoTracking().Where(p => p.Slug == slug).Select(p => new { p.Id }).FirstOrDefaultAsync(cancellationToken);
        if (practice is null)
        {
            return Outcome<Guid>.Missing();
        }

        var request = intake.Validate();
        var errors = request.Succeeded ? new Dictionary<string, string>() : new Dictionary<string, string>(request.Errors);
        var name = contact.Name?.Trim() ?? "";
        var how = contact.Contact?.Trim() ?? "";
        if (name.Length == 0)
        {
            errors["Name"] = "Give a name the practice can call you by.";
        }
        else if (name.Length > MaxName)
        {
            errors["Name"] = $"Keep the name to {MaxName} characters.";
        }

        if (how.Length == 0)
        {
            errors["Contact"] = "Give an e-mail address or a telephone number.";
        }
        else if (how.Length > MaxContact || !(how.Contains('@', StringComparison.Ordinal) || how.Count(char.IsDigit) >= 6))
        {
            errors["Contact"] = "Give an e-mail address (with an @) or a telephone number.";
        }

        // Only a therapist the public list would show (approved, accepting, this practice).
        var candidates = await find.CandidatesAsync(practice.Id, cancellationToken);
        var chosen = candidates.FirstOrDefault(c => c.ProfileId == contact.TherapistProfileId);
        if (chosen is null)
        {
            errors["TherapistProfileId"] = "Choose one of the therapists listed.";
        }

        if (!contact.Consent)
        {
            errors["Consent"] = "Tick the box to agree, or the practice cannot keep your details to contact you.";
        }

        if (errors.Count > 0)
        {
            return Outcome<Guid>.Invalid(errors);
        }

        var (wordingVersion, wording) = ConsentWording.Current(ConsentKind.Referral);
        var now = clock.GetUtcNow().UtcDateTime;
        var r = request.Value!;
        var referral = new MatchReferral
        {
            PracticeId = practice.Id,
            StaffMemberId = chosen!.StaffMemberId,
            Name = name,
            Contact = how,
            ConcernsInTheirWords = intake.ConcernsInTheirWords?.Trim() ?? "",
            ConcernIds = string.Join(',', r.Concerns),
            IntakeJson = JsonSerializer.Serialize(new { Style = r.Style.ToDictionary(s => s.Key, s => s.Value.ToString()), r.Format, r.Mode, r.Language, r.Times, r.MaxFee, r.NeedsReducedFee }, TherapistProfile.Json),
            ConsentWording = wording,
            ConsentWordingVersion = wordingVersion,
            ConsentedAt = now,
            CreatedAt = now,
        };
        db.MatchReferrals.Add(referral);
        await db.SaveChangesAsync(cancellationToken);
        return Outcome<Guid>.Ok(referral.Id);
    }
}
