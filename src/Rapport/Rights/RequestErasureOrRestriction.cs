using Microsoft.EntityFrameworkCore;
using Rapport.Access;
using Rapport.Episodes;
using Rapport.Persistence;
using Rapport.Sessions;
using Rapport.Audit;

namespace Rapport.Rights;

/// <summary>
/// A client asks for their record to be erased (GDPR Art. 17) or its processing restricted (Art. 18). The decision is
/// made at once against the practice's retention rule and recorded with its explanation:
/// <list type="bullet">
/// <item>restriction: granted;</item>
/// <item>erasure while in care, or before the retention period after the last contact has passed: kept (Art. 17(3)(b)
/// legal obligation, 17(3)(c) and 9(2)(h) care), with processing restricted meanwhile and the date it can be erased;</item>
/// <item>erasure after the retention period: everything that is the person's (answers, notes, goals, drafts, alerts,
/// consents, in-room passes, reminders, invitations, the words of their requests, transcripts of their own episodes and
/// the sign-in) is deleted and the name and contact details removed; a shared transcript stays for the other members
/// with this person's name replaced. Audit entries stay: they hold no content and no client's name (a client acting is
/// recorded by id, see <c>RapportDb.ActorAsync</c>), and the law requires accountability.</item>
/// </list>
/// </summary>
[Audits(AuditedAs.Writes)]
public sealed class RequestErasureOrRestriction(RapportDb db, TimeProvider clock)
{
    public const int MaxReasonLength = 2000;

    public sealed record History(RightsRequestKind Kind, DateTime RequestedAt, RightsDecision Decision, string Explanation, DateOnly? RetainUntil);

    public async Task<IReadOnlyList<History>> MineAsync(CancellationToken cancellationToken = default)
    {
        if (db.Viewer.ClientId is not { } clientId)
        {
            return [];
        }

        return await db.RightsRequests.AsNoTracking().Where(r => r.ClientId == clientId).OrderByDescending(r => r.RequestedAt)
            .Select(r => new History(r.Kind, r.RequestedAt, r.Decision, r.DecisionExplanation, r.RetainUntil))
            .ToListAsync(cancellationToken);
    }

    public async Task<Outcome<History>> HandleAsync(RightsRequestKind kind, string? reason, CancellationToken cancellationToken = default)
    {
        if (db.Viewer.ClientId is not { } clientId || db.Viewer.PracticeId is not { } practiceId)
        {
            return Outcome<History>.Missing();
        }

        if (reason is { Length: > MaxReasonLength })
        {
            return Outcome<History>.Invalid("Reason", $"Use at most {MaxReasonLength} characters.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var client = await db.Clients.FirstAsync(c => c.Id == clientId, cancellationToken);
        var retentionYears = await db.Practices.Where(p => p.Id == practiceId).Select(p => p.RetentionYears).FirstAsync(cancellationToken);
        var inCare = await db.Episodes.AnyAsync(e => e.Members.Any(m => m.ClientId == clientId) && e.Status != EpisodeStatus.Ended, cancellationToken);
        var lastSession = await db.Sessions.Where(s => s.Attendees.Any(a => a.ClientId == clientId) && s.Status == SessionStatus.Attended)
            .MaxAsync(s => (DateTime?)s.StartsAt, cancellationToken);
        var lastEpisodeEnd = await db.Episodes.Where(e => e.Members.Any(m => m.ClientId == clientId)).MaxAsync(e => e.EndedOn, cancellationToken);
        var lastContact = new[] { lastSession.HasValue ? DateOnly.FromDateTime(lastSession.Value) : (DateOnly?)null, lastEpisodeEnd }.Max()
            ?? DateOnly.FromDateTime(client.CreatedAt);
        var retainUntil = lastContact.AddYears(retentionYears);
        var today = DateOnly.FromDateTime(now);

        RightsDecision decision;
        string explanation;
        if (kind == RightsRequestKind.Restriction)
        {
            decision = RightsDecision.Restricted;
            explanation = "Your record is kept but no longer used for anything beyond your care: no transcript analysis, research or testimonials.";
        }
        else if (inCare)
        {
            decision = RightsDecision.KeptUnderRetention;
            explanation = $"You are still in care, so your therapist needs your record. It must then be kept for {retentionYears} years after your last contact (the practice's legal retention rule). Until then its use is restricted to your care.";
        }
        else if (today < retainUntil)
        {
            decision = RightsDecision.KeptUnderRetention;
            explanation = $"The practice must keep health records for {retentionYears} years after the last contact ({lastContact:d MMM yyyy}). It can be erased from {retainUntil:d MMM yyyy}; until then its use is restricted to what the law requires.";
        }
        else
        {
            decision = RightsDecision.Erased;
            explanation = "The retention period has passed: your answers, notes and sign-in were deleted and your name and contact details removed.";
        }

        // One transaction: the decision and what it does are saved together or not at all.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var request = new RightsRequest
        {
            PracticeId = practiceId,
            ClientId = clientId,
            Kind = kind,
            Reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim(),
            RequestedAt = now,
            Decision = decision,
            DecisionExplanation = explanation,
            RetainUntil = decision == RightsDecision.KeptUnderRetention ? retainUntil : null,
            DecidedAt = now,
        };
        db.RightsRequests.Add(request);
        client.ProcessingRestricted = true;
        if (decision == RightsDecision.Erased)
        {
            await EraseAsync(client, now, cancellationToken);
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return Outcome<History>.Ok(new History(request.Kind, request.RequestedAt, request.Decision, request.DecisionExplanation, request.RetainUntil));
    }

    /// <summary>What an erased member is called in a shared transcript that the remaining members keep.</summary>
    public const string ErasedMemberLabel = "Erased member";

    // Everything that is this person's goes; what is shared with others in their care stays for them, without this
    // person's name (docs/decisions/0012-erasure-and-the-audit-trail.md). One SaveChanges with the decision.
    private async Task EraseAsync(Clients.Client client, DateTime now, CancellationToken cancellationToken)
    {
        var id = client.Id;
        var names = NamesOf(client.DisplayName);
        db.RiskAlerts.RemoveRange(await db.RiskAlerts.Where(a => a.ClientId == id).ToListAsync(cancellationToken));
        db.MeasureResponses.RemoveRange(await db.MeasureResponses.Where(r => r.ClientId == id).ToListAsync(cancellationToken));
        db.ClientNotes.RemoveRange(await db.ClientNotes.Where(n => n.ClientId == id).ToListAsync(cancellationToken));
        db.ClientGoals.RemoveRange(await db.ClientGoals.Where(g => g.ClientId == id).ToListAsync(cancellationToken));
        db.CheckInDrafts.RemoveRange(await db.CheckInDrafts.Where(d => d.ClientId == id).ToListAsync(cancellationToken));
        // Consent records prove consent to processing that now ends; the rights request keeps the decision.
        db.Consents.RemoveRange(await db.Consents.IgnoreQueryFilters().Where(c => c.ClientId == id).ToListAsync(cancellationToken));
        // A published testimonial rests on a consent erased just above: it goes with it, from the public page at once.
        db.Testimonials.RemoveRange(await db.Testimonials.IgnoreQueryFilters().Where(t => t.ClientId == id).ToListAsync(cancellationToken));
        db.TestimonialInvitations.RemoveRange(await db.TestimonialInvitations.IgnoreQueryFilters().Where(t => t.ClientId == id).ToListAsync(cancellationToken));
        db.InRoomPasses.RemoveRange(await db.InRoomPasses.IgnoreQueryFilters().Where(p => p.ClientId == id).ToListAsync(cancellationToken));
        db.CheckInReminders.RemoveRange(await db.CheckInReminders.IgnoreQueryFilters().Where(r => r.ClientId == id).ToListAsync(cancellationToken));
        var email = client.Email;
        db.Invitations.RemoveRange(await db.Invitations.IgnoreQueryFilters()
            .Where(i => i.PracticeId == client.PracticeId && (i.ClientId == id || (email != null && i.Email == email))).ToListAsync(cancellationToken));

        // Their own words in earlier requests, and in this one (the decision and its explanation stay).
        foreach (var request in await db.RightsRequests.IgnoreQueryFilters().Where(r => r.ClientId == id && r.Reason != null).ToListAsync(cancellationToken))
        {
            request.Reason = null;
        }

        foreach (var added in db.ChangeTracker.Entries<RightsRequest>().Where(e => e.State == EntityState.Added && e.Entity.ClientId == id))
        {
            added.Entity.Reason = null;
        }

        // Transcripts: of an episode the person was alone in, the words go (the numbers stay, as when a therapist
        // deletes one). Of a couple, family or group episode, the transcript is the other members' record too: it is
        // kept for them, with this person's name (their speaker label and mentions) replaced.
        var episodes = await db.EpisodeMembers.IgnoreQueryFilters().Where(m => m.ClientId == id)
            .Select(m => new { m.EpisodeId, Shared = m.Episode!.Members.Any(o => o.ClientId != id && o.Client!.ErasedAt == null) })
            .ToListAsync(cancellationToken);
        var shared = episodes.Where(e => e.Shared).Select(e => e.EpisodeId).ToHashSet();
        var all = episodes.Select(e => e.EpisodeId).ToList();
        foreach (var transcript in await db.SessionTranscripts.IgnoreQueryFilters().Where(t => all.Contains(t.EpisodeId)).ToListAsync(cancellationToken))
        {
            if (shared.Contains(transcript.EpisodeId))
            {
                transcript.Content = Anonymise(transcript.Content, names, json: false);
                transcript.ReportJson = Anonymise(transcript.ReportJson, names, json: true);
                transcript.FileName = Anonymise(transcript.FileName, names, json: false)!;
                continue;
            }

            transcript.Content = null;
            transcript.ReportJson = null;
            transcript.FileName = Anonymise(transcript.FileName, names, json: false)!;
            transcript.Status = Listening.TranscriptStatus.Deleted;
            transcript.DeletedAt = now;
        }

        // Episode titles often name the members ("Couple work with …"); the referral of an episode that was theirs alone goes.
        foreach (var episode in await db.Episodes.IgnoreQueryFilters().Where(e => all.Contains(e.Id)).ToListAsync(cancellationToken))
        {
            episode.Title = Anonymise(episode.Title, names, json: false)!;
            episode.ReferralReason = shared.Contains(episode.Id) ? Anonymise(episode.ReferralReason, names, json: false) : null;
        }

        db.Users.RemoveRange(await db.Users.Where(u => u.ClientId == id).ToListAsync(cancellationToken));
        client.DisplayName = "Erased client";
        client.Email = null;
        client.DateOfBirth = null;
        client.ErasedAt = now;
    }

    // The full name and each part of it of three letters or more (a speaker label is often the first name alone).
    private static List<string> NamesOf(string displayName) =>
        [.. new[] { displayName.Trim() }.Concat(displayName.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Where(n => n.Length >= 3).Distinct(StringComparer.OrdinalIgnoreCase).OrderByDescending(n => n.Length)];

    private static string? Anonymise(string? text, List<string> names, bool json)
    {
        if (text is null)
        {
            return null;
        }

        foreach (var name in names)
        {
            // In JSON a name may be stored escaped (System.Text.Json escapes non-ASCII letters).
            var forms = json ? new[] { name, System.Text.Json.JsonEncodedText.Encode(name).Value } : [name];
            foreach (var form in forms.Distinct())
            {
                text = System.Text.RegularExpressions.Regex.Replace(text, $@"(?<![\p{{L}}\p{{N}}]){System.Text.RegularExpressions.Regex.Escape(form)}(?![\p{{L}}\p{{N}}])",
                    ErasedMemberLabel, System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant,
                    TimeSpan.FromSeconds(2));
            }
        }

        return text;
    }
}
