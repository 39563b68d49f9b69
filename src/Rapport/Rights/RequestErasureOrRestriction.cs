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
/// <item>erasure after the retention period: the answers, notes, drafts, alerts, transcripts and the sign-in are deleted and the name
/// and contact details removed. Audit entries stay: they hold no content, and the law requires accountability.</item>
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

    public async Task<Outcome<RightsRequest>> HandleAsync(RightsRequestKind kind, string? reason, CancellationToken cancellationToken = default)
    {
        if (db.Viewer.ClientId is not { } clientId || db.Viewer.PracticeId is not { } practiceId)
        {
            return Outcome<RightsRequest>.Missing();
        }

        if (reason is { Length: > MaxReasonLength })
        {
            return Outcome<RightsRequest>.Invalid("Reason", $"Use at most {MaxReasonLength} characters.");
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
        return Outcome<RightsRequest>.Ok(request);
    }

    private async Task EraseAsync(Clients.Client client, DateTime now, CancellationToken cancellationToken)
    {
        var id = client.Id;
        db.RiskAlerts.RemoveRange(await db.RiskAlerts.Where(a => a.ClientId == id).ToListAsync(cancellationToken));
        db.MeasureResponses.RemoveRange(await db.MeasureResponses.Where(r => r.ClientId == id).ToListAsync(cancellationToken));
        db.ClientNotes.RemoveRange(await db.ClientNotes.Where(n => n.ClientId == id).ToListAsync(cancellationToken));
        db.CheckInDrafts.RemoveRange(await db.CheckInDrafts.Where(d => d.ClientId == id).ToListAsync(cancellationToken));
        var episodes = db.EpisodeMembers.Where(m => m.ClientId == id).Select(m => m.EpisodeId);
        foreach (var transcript in await db.SessionTranscripts.IgnoreQueryFilters().Where(t => episodes.Contains(t.EpisodeId)).ToListAsync(cancellationToken))
        {
            transcript.Content = null;
            transcript.ReportJson = null;
            transcript.Status = Listening.TranscriptStatus.Deleted;
            transcript.DeletedAt = now;
        }

        db.Users.RemoveRange(await db.Users.Where(u => u.ClientId == id).ToListAsync(cancellationToken));
        client.DisplayName = "Erased client";
        client.Email = null;
        client.DateOfBirth = null;
        client.ErasedAt = now;
    }
}
