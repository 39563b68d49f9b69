using Microsoft.EntityFrameworkCore;
using Rapport.Access;
using Rapport.Audit;
using Rapport.Consents;
using Rapport.Episodes;
using Rapport.Persistence;

namespace Rapport.Testimonials;

/// <summary>
/// A former client's own testimonial: whether they may share one (and were invited), writing it, a preview of exactly
/// what will be shown with any identifying details flagged, consent (in the consent ledger) and withdrawal. Only the
/// signed-in client's own; nobody else writes or changes the words.
/// </summary>
[Audits(AuditedAs.Writes)]
public sealed class MyTestimonial(RapportDb db, ConsentLedger ledger, TimeProvider clock)
{
    /// <summary>The most a testimonial may say; longer drafts are an error, never cut.</summary>
    public const int MaxLength = 1500;

    /// <summary>Where the client stands: may they share, were they invited, and their testimonial if any.</summary>
    public sealed record View(bool MayShare, string? WhyNot, bool Invited, bool PracticeNeverInvites, Mine? Testimonial);

    /// <summary>The client's own testimonial as they see it.</summary>
    public sealed record Mine(Guid Id, string Text, TestimonialStatus Status, string ShownAs);

    /// <summary>Exactly what the public page would show, and what in it could identify someone.</summary>
    public sealed record Preview(string Text, string ShownAs, IReadOnlyList<IdentifyingDetail> Details);

    /// <summary>
    /// The client's standing. When they may share and the practice invites, an invitation is recorded the first time
    /// (once per client, ever); under the never-invite setting none is ever created.
    /// </summary>
    public async Task<View?> HandleAsync(CancellationToken cancellationToken = default)
    {
        if (db.Viewer.ClientId is not { } clientId || db.Viewer.PracticeId is not { } practiceId)
        {
            return null;
        }

        var (standing, lastEpisode) = await StandingAsync(clientId, cancellationToken);
        var practice = await db.Practices.AsNoTracking().Where(p => p.Id == practiceId)
            .Select(p => new { p.TestimonialGapMonths, p.TestimonialsNeverInvite }).FirstAsync(cancellationToken);
        var today = Today();
        var (mayShare, why) = TestimonialRules.MayShare(standing, today, practice.TestimonialGapMonths);
        var invited = await db.TestimonialInvitations.AnyAsync(i => i.ClientId == clientId, cancellationToken);
        if (!invited && lastEpisode is { } episodeId && TestimonialRules.MayInvite(standing, today, practice.TestimonialGapMonths, practice.TestimonialsNeverInvite).Allowed)
        {
            db.TestimonialInvitations.Add(new TestimonialInvitation { PracticeId = practiceId, ClientId = clientId, EpisodeId = episodeId, CreatedAt = clock.GetUtcNow().UtcDateTime });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // Another request recorded it first (one per client, unique): it exists either way.
                db.ChangeTracker.Clear();
            }

            invited = true;
        }

        var mine = await db.Testimonials.AsNoTracking()
            .Where(t => t.ClientId == clientId && t.Status != TestimonialStatus.Withdrawn)
            .OrderByDescending(t => t.WrittenAt)
            .Select(t => new { t.Id, t.Text, t.Status, t.WrittenAt })
            .FirstOrDefaultAsync(cancellationToken);
        // An invitation recorded before the practice chose never to invite is not shown after it: under that setting
        // nobody is invited, whenever their invitation was made.
        return new View(mayShare, mayShare ? null : why, invited && !practice.TestimonialsNeverInvite, practice.TestimonialsNeverInvite,
            mine is null ? null : new Mine(mine.Id, mine.Text, mine.Status, ShownAs(mine.WrittenAt)));
    }

    /// <summary>The preview: the words exactly as they would appear, the line under them, and the details to consider removing.</summary>
    public async Task<Outcome<Preview>> PreviewAsync(string? text, CancellationToken cancellationToken = default)
    {
        if (db.Viewer.ClientId is not { } clientId)
        {
            return Outcome<Preview>.Missing();
        }

        var words = (text ?? "").Trim();
        if (Validate(words) is { } error)
        {
            return Outcome<Preview>.Invalid("Text", error);
        }

        var known = await KnownNamesAsync(clientId, cancellationToken);
        return Outcome<Preview>.Ok(new Preview(words, ShownAs(clock.GetUtcNow().UtcDateTime), IdentifyingDetails.Find(words, known)));
    }

    /// <summary>
    /// Sends the testimonial to the therapist for approval, with the author's explicit consent recorded in the ledger in
    /// the same save. Refused (nothing stored) without consent, when the client may not share one, or with one already
    /// waiting or published.
    /// </summary>
    public async Task<Outcome<Mine>> SubmitAsync(string? text, bool consent, CancellationToken cancellationToken = default)
    {
        if (db.Viewer.ClientId is not { } clientId || db.Viewer.PracticeId is not { } practiceId)
        {
            return Outcome<Mine>.Missing();
        }

        var words = (text ?? "").Trim();
        if (Validate(words) is { } error)
        {
            return Outcome<Mine>.Invalid("Text", error);
        }

        if (!consent)
        {
            return Outcome<Mine>.Invalid("Consent", "Tick the box to agree to your words being shown, or keep them to yourself: nothing is sent without it.");
        }

        var (standing, lastEpisode) = await StandingAsync(clientId, cancellationToken);
        var gap = await db.Practices.Where(p => p.Id == practiceId).Select(p => p.TestimonialGapMonths).FirstAsync(cancellationToken);
        var (mayShare, why) = TestimonialRules.MayShare(standing, Today(), gap);
        if (!mayShare || lastEpisode is not { } episodeId)
        {
            return Outcome<Mine>.Invalid("Text", why);
        }

        if (await db.Testimonials.AnyAsync(t => t.ClientId == clientId && (t.Status == TestimonialStatus.AwaitingApproval || t.Status == TestimonialStatus.Published), cancellationToken))
        {
            return Outcome<Mine>.Invalid("Text", "You already have a testimonial waiting or shown. Withdraw it first to write a new one.");
        }

        // The therapist it is about: the lead of the last episode, who alone may approve it. Read past the client's
        // filters only for that id (a client sees their care team's names on their own pages anyway).
        var therapist = await db.EpisodeTherapists.Where(t => t.EpisodeId == episodeId && t.IsLead).Select(t => (Guid?)t.StaffMemberId).FirstOrDefaultAsync(cancellationToken);
        if (therapist is null)
        {
            return Outcome<Mine>.Invalid("Text", "Your last episode has no therapist to approve a testimonial.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var testimonial = new Testimonial
        {
            PracticeId = practiceId,
            ClientId = clientId,
            StaffMemberId = therapist.Value,
            Text = words,
            Status = TestimonialStatus.AwaitingApproval,
            Invited = await db.TestimonialInvitations.AnyAsync(i => i.ClientId == clientId, cancellationToken),
            WrittenAt = now,
        };
        db.Testimonials.Add(testimonial);
        // The ledger saves, so the testimonial and the consent are stored together or not at all.
        var given = await ledger.GiveAsync(ConsentKind.Testimonial, cancellationToken);
        if (!given.Succeeded)
        {
            db.ChangeTracker.Clear();
            return Outcome<Mine>.Invalid("Consent", given.Errors.Values.FirstOrDefault() ?? "Your consent could not be recorded; nothing was sent.");
        }

        return Outcome<Mine>.Ok(new Mine(testimonial.Id, testimonial.Text, testimonial.Status, ShownAs(now)));
    }

    /// <summary>
    /// Withdraws the client's testimonial: off the public page and feed at once (they show only published ones), its
    /// words erased, and the testimonial consent withdrawn in the ledger, in one save.
    /// </summary>
    public async Task<bool> WithdrawAsync(CancellationToken cancellationToken = default)
    {
        if (db.Viewer.ClientId is not { } clientId)
        {
            return false;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var mine = await db.Testimonials.Where(t => t.ClientId == clientId && t.Status != TestimonialStatus.Withdrawn).ToListAsync(cancellationToken);
        foreach (var t in mine)
        {
            t.Status = TestimonialStatus.Withdrawn;
            t.WithdrawnAt = now;
            t.Text = "";
        }

        var consents = await db.Consents.Where(c => c.ClientId == clientId && c.Kind == ConsentKind.Testimonial && c.WithdrawnAt == null).ToListAsync(cancellationToken);
        foreach (var c in consents)
        {
            c.WithdrawnAt = now;
        }

        await db.SaveChangesAsync(cancellationToken);
        return mine.Count > 0;
    }

    /// <summary>The line under a testimonial: never a name, only the month.</summary>
    public static string ShownAs(DateTime when) => $"Shared by a former client, {when:MMMM yyyy}";

    private static string? Validate(string words) =>
        words.Length == 0 ? "Write what you would like to share."
        : words.Length > MaxLength ? $"Keep it to {MaxLength} characters (this has {words.Length}); nothing was cut or saved."
        : null;

    private DateOnly Today() => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    private async Task<(TestimonialStanding Standing, Guid? LastEpisode)> StandingAsync(Guid clientId, CancellationToken cancellationToken)
    {
        // The client's own episodes through their filters (membership), so this never reads anyone else's.
        var episodes = await db.Episodes.AsNoTracking()
            .Where(e => e.Members.Any(m => m.ClientId == clientId))
            .Select(e => new { e.Id, e.Status, e.EndedOn })
            .ToListAsync(cancellationToken);
        var current = episodes.Any(e => e.Status != EpisodeStatus.Ended);
        var last = episodes.Where(e => e.Status == EpisodeStatus.Ended && e.EndedOn != null).OrderByDescending(e => e.EndedOn).FirstOrDefault();
        var risk = last is not null && await db.RiskAlerts.AnyAsync(a => a.ClientId == clientId && a.EpisodeId == last.Id, cancellationToken);
        return (new TestimonialStanding(current, last?.EndedOn, risk), last?.Id);
    }

    private async Task<List<string>> KnownNamesAsync(Guid clientId, CancellationToken cancellationToken)
    {
        var staff = await db.StaffMembers.AsNoTracking().Select(s => s.DisplayName).ToListAsync(cancellationToken);
        var own = await db.Clients.AsNoTracking().Where(c => c.Id == clientId).Select(c => c.DisplayName).ToListAsync(cancellationToken);
        return [.. staff, .. own];
    }
}
