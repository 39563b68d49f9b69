using Microsoft.EntityFrameworkCore;
using Rapport.Access;
using Rapport.Audit;
using Rapport.Persistence;

namespace Rapport.Testimonials;

/// <summary>
/// The therapist a testimonial is about approves or declines it; they cannot change a word. Only their own testimonials
/// reach them (the query filter), shown without the author's name: the decision is about the words, not the person.
/// </summary>
[Audits(AuditedAs.Writes)]
public sealed class ReviewTestimonials(RapportDb db, TimeProvider clock)
{
    public sealed record Waiting(Guid Id, string Text, string ShownAs, Guid Version);

    public async Task<IReadOnlyList<Waiting>> WaitingAsync(CancellationToken cancellationToken = default)
    {
        if (db.Viewer.StaffMemberId is not { } me)
        {
            return [];
        }

        var rows = await db.Testimonials.AsNoTracking()
            .Where(t => t.StaffMemberId == me && t.Status == TestimonialStatus.AwaitingApproval)
            .OrderBy(t => t.WrittenAt)
            .Select(t => new { t.Id, t.Text, t.WrittenAt, t.Version })
            .ToListAsync(cancellationToken);
        return [.. rows.Select(r => new Waiting(r.Id, r.Text, MyTestimonial.ShownAs(r.WrittenAt), r.Version))];
    }

    /// <summary>Publishes or declines one waiting testimonial. Anything but the therapist's own waiting one is not found.</summary>
    public async Task<Outcome<TestimonialStatus>> DecideAsync(Guid id, bool publish, CancellationToken cancellationToken = default)
    {
        if (db.Viewer.StaffMemberId is not { } me)
        {
            return Outcome<TestimonialStatus>.Missing();
        }

        var testimonial = await db.Testimonials.FirstOrDefaultAsync(t => t.Id == id && t.StaffMemberId == me, cancellationToken);
        if (testimonial is null)
        {
            return Outcome<TestimonialStatus>.Missing();
        }

        if (testimonial.Status != TestimonialStatus.AwaitingApproval)
        {
            // Withdrawn by its author (or decided) meanwhile: the author's choice stands.
            return Outcome<TestimonialStatus>.Conflict("Version", "This testimonial is no longer waiting for a decision (its author may have withdrawn it).");
        }

        testimonial.Status = publish ? TestimonialStatus.Published : TestimonialStatus.Declined;
        testimonial.DecidedAt = clock.GetUtcNow().UtcDateTime;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Outcome<TestimonialStatus>.Conflict("Version", "This testimonial changed while you were deciding (its author may have withdrawn it); nothing was published.");
        }

        return Outcome<TestimonialStatus>.Ok(testimonial.Status);
    }
}
