using Microsoft.EntityFrameworkCore;
using Rapport.Access;
using Rapport.Audit;
using Rapport.Episodes;
using Rapport.Invitations;
using Rapport.Persistence;

namespace Rapport.InRoom;

/// <summary>
/// A check-in in the room, started by a therapist on the care team for one member: a QR code the member scans with
/// their own phone (a short-lived, single-use pointer that still asks them to sign in as themself), or handing this
/// device over (the therapist's sign-in ends; the device shows only that member's check-in). Both are audited.
/// See docs/decisions/0011-in-room-check-in.md.
/// </summary>
[Audits(AuditedAs.ClientReads | AuditedAs.Writes)]
public sealed class StartInRoomCheckIn(RapportDb db, TimeProvider clock)
{
    public sealed record Member(Guid ClientId, string DisplayName, bool HasSignIn);

    public sealed record View(Guid EpisodeId, string Title, IReadOnlyList<Member> Members);

    public sealed record Pass(string Token, DateTime ExpiresAt, string MemberName);

    /// <summary>The page: who can check in. A clinical read (the episode's members), audited per member.</summary>
    public async Task<View?> LoadAsync(Guid episodeId, CancellationToken cancellationToken = default)
    {
        var view = await MembersAsync(episodeId, cancellationToken);
        if (view is not null)
        {
            var practiceId = await db.Episodes.Where(e => e.Id == episodeId).Select(e => e.PracticeId).FirstAsync(cancellationToken);
            var audit = new AuditTrail(db);
            foreach (var member in view.Members)
            {
                await audit.RecordReadAsync(nameof(CareEpisode), episodeId, practiceId, member.ClientId, cancellationToken);
            }
        }

        return view;
    }

    private async Task<View?> MembersAsync(Guid episodeId, CancellationToken cancellationToken)
    {
        var episode = await CareTeamEpisodeAsync(episodeId, cancellationToken);
        if (episode is null)
        {
            return null;
        }

        var members = await db.EpisodeMembers.AsNoTracking()
            .Where(m => m.EpisodeId == episodeId && m.LeftOn == null)
            .OrderBy(m => m.Client!.DisplayName)
            .Select(m => new Member(m.ClientId, m.Client!.DisplayName, db.Users.Any(u => u.ClientId == m.ClientId)))
            .ToListAsync(cancellationToken);
        return new View(episode.Id, episode.Title, members);
    }

    /// <summary>A QR pass for one member: 15 minutes, once. Only its hash is stored.</summary>
    public async Task<Outcome<Pass>> CreatePassAsync(Guid episodeId, Guid clientId, CancellationToken cancellationToken = default)
    {
        var (episode, member, error) = await CheckAsync(episodeId, clientId, cancellationToken);
        if (error is not null)
        {
            return error.NotFound ? Outcome<Pass>.Missing() : Outcome<Pass>.Invalid(error.Errors);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var (token, hash) = InvitationTokens.Create();
        var pass = new InRoomPass
        {
            PracticeId = episode!.PracticeId,
            EpisodeId = episode.Id,
            ClientId = clientId,
            StaffMemberId = db.Viewer.StaffMemberId!.Value,
            TokenHash = hash,
            CreatedAt = now,
            ExpiresAt = now + InRoomPass.Lifetime,
        };
        db.InRoomPasses.Add(pass);
        await db.AddAuditEntryAsync(AuditAction.Create, nameof(InRoomPass), pass.Id.ToString(), episode.PracticeId, clientId, "In-room check-in: QR code shown", cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return Outcome<Pass>.Ok(new Pass(token, pass.ExpiresAt, member!.DisplayName));
    }

    /// <summary>
    /// Checks a hand-over to one member and records it; returns the member's sign-in (user id) for the web layer to sign
    /// this device in as them, in hand-over mode, after ending the therapist's sign-in.
    /// </summary>
    /// <param name="accountRefusal">
    /// Asks the sign-in rules (Identity: locked out, not confirmed, not allowed to sign in) about the member's account and
    /// returns why it may not be signed in, or null. Handing over signs the member in without their password, so the
    /// rules their own sign-in would meet must hold first; they live in the web layer's SignInManager.
    /// </param>
    public async Task<Outcome<string>> HandOverAsync(Guid episodeId, Guid clientId,
        Func<string, CancellationToken, Task<string?>> accountRefusal, CancellationToken cancellationToken = default)
    {
        var (episode, member, error) = await CheckAsync(episodeId, clientId, cancellationToken);
        if (error is not null)
        {
            return error.NotFound ? Outcome<string>.Missing() : Outcome<string>.Invalid(error.Errors);
        }

        var userId = await db.Users.Where(u => u.ClientId == clientId).Select(u => u.Id).FirstAsync(cancellationToken);
        if (await accountRefusal(userId, cancellationToken) is { } refusal)
        {
            return Outcome<string>.Invalid("ClientId", $"This device cannot be handed to {member!.DisplayName}: {refusal}");
        }

        await db.AddAuditEntryAsync(AuditAction.Update, "InRoomHandOver", episode!.Id.ToString(), episode.PracticeId, clientId, "In-room check-in: device handed over", cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return Outcome<string>.Ok(userId);
    }

    private async Task<(CareEpisode? Episode, Member? Member, Outcome<bool>? Error)> CheckAsync(Guid episodeId, Guid clientId, CancellationToken cancellationToken)
    {
        var view = await MembersAsync(episodeId, cancellationToken);
        if (view is null)
        {
            return (null, null, Outcome<bool>.Missing());
        }

        var member = view.Members.FirstOrDefault(m => m.ClientId == clientId);
        if (member is null)
        {
            return (null, null, Outcome<bool>.Invalid("ClientId", "Choose a member of this episode."));
        }

        if (!member.HasSignIn)
        {
            return (null, null, Outcome<bool>.Invalid("ClientId", $"{member.DisplayName} has no sign-in yet: invite them first."));
        }

        // A client who asked to restrict processing (or was erased) gets no new check-in started for them in the room.
        if (await db.Clients.AnyAsync(c => c.Id == clientId && (c.ProcessingRestricted || c.ErasedAt != null), cancellationToken))
        {
            return (null, null, Outcome<bool>.Invalid("ClientId", $"{member.DisplayName} asked to restrict the use of their record, so no check-in can be started for them."));
        }

        var episode = await db.Episodes.AsNoTracking().FirstAsync(e => e.Id == episodeId, cancellationToken);
        return (episode, member, null);
    }

    // The care team, not supervisors: starting a check-in is part of running the session.
    private async Task<CareEpisode?> CareTeamEpisodeAsync(Guid episodeId, CancellationToken cancellationToken) =>
        db.Viewer.StaffMemberId is null
            ? null
            : await db.Episodes.AsNoTracking()
                .WhereViewerIsOnCareTeam(db.Viewer)
                .Where(e => e.Id == episodeId && e.Status != EpisodeStatus.Ended)
                .FirstOrDefaultAsync(cancellationToken);
}

/// <summary>The member, signed in on their own phone, opens the QR link: once, within its time, and only as that member.</summary>
[Audits(AuditedAs.Writes)]
public sealed class RedeemInRoomPass(RapportDb db, TimeProvider clock)
{
    public const string Unusable = "This code has expired or was already used. Ask your therapist for a new one, or start your check-in from My care.";

    public async Task<Outcome<Guid>> HandleAsync(string? token, CancellationToken cancellationToken = default)
    {
        if (db.Viewer.ClientId is null || string.IsNullOrWhiteSpace(token) || token.Length > 100)
        {
            return Outcome<Guid>.Invalid("Token", Unusable);
        }

        // The relationship filter shows a client only passes made for them: another member's code is "unusable", not revealed.
        var hash = InvitationTokens.Hash(token);
        var pass = await db.InRoomPasses.FirstOrDefaultAsync(p => p.TokenHash == hash, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        if (pass is null || pass.UsedAt is not null || pass.ExpiresAt <= now)
        {
            return Outcome<Guid>.Invalid("Token", Unusable);
        }

        // Single use must hold when the link is opened twice at once (a double tap, a second device): the read above may
        // be stale, so the pass is claimed by one conditional update, and only the request whose update found it still
        // unused wins. The audit entry is saved in the same transaction, so a claimed pass is always audited.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var claimed = await db.InRoomPasses
            .Where(p => p.Id == pass.Id && p.UsedAt == null && p.ExpiresAt > now)
            .ExecuteUpdateAsync(set => set.SetProperty(p => p.UsedAt, now), cancellationToken);
        if (claimed != 1)
        {
            await transaction.RollbackAsync(cancellationToken);
            return Outcome<Guid>.Invalid("Token", Unusable);
        }

        await db.AddAuditEntryAsync(AuditAction.Update, nameof(InRoomPass), pass.Id.ToString(), pass.PracticeId, pass.ClientId, "In-room check-in: QR code used", cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return Outcome<Guid>.Ok(pass.EpisodeId);
    }
}
