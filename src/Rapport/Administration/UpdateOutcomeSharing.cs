using Rapport.Access;
using Rapport.Audit;
using Rapport.Clinical.Insights;
using Rapport.Persistence;
using Rapport.Practices;

namespace Rapport.Administration;

/// <summary>
/// How the practice shares what therapy achieved: the fewest finished episodes an insights figure is shown for (never
/// below <see cref="MinimumN.Floor"/>), the months after an episode ends before its client may be invited to share a
/// testimonial, and whether the practice never invites (for professions whose code forbids soliciting testimonials from
/// former clients too, ACA Code of Ethics 2014 C.3.b). Set by a practice admin; the change is audited with the practice row.
/// </summary>
[Audits(AuditedAs.Writes)]
public sealed class UpdateOutcomeSharing(RapportDb db)
{
    /// <summary>Above this a small practice would never see a figure; a typo (100 for 10) is caught instead.</summary>
    public const int MaximumMinimumN = 100;

    /// <summary>A gap of more than five years is a typo rather than a policy.</summary>
    public const int MaximumGapMonths = 60;

    public sealed class Form
    {
        public int? InsightsMinimumN { get; set; }
        public int? TestimonialGapMonths { get; set; }
        public bool TestimonialsNeverInvite { get; set; }
    }

    public async Task<Form?> LoadAsync(CancellationToken cancellationToken = default)
    {
        var practice = await db.AdministeredPracticeAsync(cancellationToken);
        return practice is null ? null : new Form
        {
            InsightsMinimumN = MinimumN.Effective(practice.InsightsMinimumN),
            TestimonialGapMonths = practice.TestimonialGapMonths,
            TestimonialsNeverInvite = practice.TestimonialsNeverInvite,
        };
    }

    public async Task<Outcome<Form>> HandleAsync(Form form, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(form);
        var practice = await db.AdministeredPracticeAsync(cancellationToken);
        if (practice is null)
        {
            return Outcome<Form>.Missing();
        }

        var errors = new Dictionary<string, string>();
        if (form.InsightsMinimumN is not { } minimum)
        {
            errors[nameof(Form.InsightsMinimumN)] = $"Enter the fewest finished episodes a figure is shown for (Rapport's default is {MinimumN.Default}).";
        }
        else if (minimum < MinimumN.Floor)
        {
            errors[nameof(Form.InsightsMinimumN)] = $"The minimum cannot be lower than {MinimumN.Floor}: below that a figure's interval is too wide to mean much, and it could point at a client.";
        }
        else if (minimum > MaximumMinimumN)
        {
            errors[nameof(Form.InsightsMinimumN)] = $"Enter a number from {MinimumN.Floor} to {MaximumMinimumN}.";
        }

        if (form.TestimonialGapMonths is not { } gap)
        {
            errors[nameof(Form.TestimonialGapMonths)] = "Enter how many months after the end of therapy a former client may be invited (Rapport's default is 3).";
        }
        else if (gap < 1 || gap > MaximumGapMonths)
        {
            errors[nameof(Form.TestimonialGapMonths)] = $"Enter a number of months from 1 to {MaximumGapMonths}: an invitation must never reach someone whose therapy has only just ended.";
        }

        if (errors.Count > 0)
        {
            return Outcome<Form>.Invalid(errors);
        }

        practice.InsightsMinimumN = form.InsightsMinimumN!.Value;
        practice.TestimonialGapMonths = form.TestimonialGapMonths!.Value;
        practice.TestimonialsNeverInvite = form.TestimonialsNeverInvite;
        await db.SaveChangesAsync(cancellationToken);
        return Outcome<Form>.Ok(new Form
        {
            InsightsMinimumN = practice.InsightsMinimumN,
            TestimonialGapMonths = practice.TestimonialGapMonths,
            TestimonialsNeverInvite = practice.TestimonialsNeverInvite,
        });
    }
}
