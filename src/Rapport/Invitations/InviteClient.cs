using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Rapport.Access;
using Rapport.Clients;
using Rapport.Email;
using Rapport.Episodes;
using Rapport.Persistence;
using Rapport.Staff;
using Rapport.Audit;

namespace Rapport.Invitations;

/// <summary>A therapist invites a client into one of their episodes (a new client, or a member who has no sign-in yet).</summary>
[Audits(AuditedAs.Writes)]
public sealed class InviteClient(RapportDb db, IMailer mailer, TimeProvider clock)
{
    public sealed class Form
    {
        [Required(ErrorMessage = "Choose the episode.")]
        public Guid? EpisodeId { get; set; }

        [Required(ErrorMessage = "Enter the client's name.")]
        [StringLength(200, ErrorMessage = "Use at most 200 characters.")]
        public string DisplayName { get; set; } = "";

        [Required(ErrorMessage = "Enter an email address.")]
        [EmailAddress(ErrorMessage = "Enter a valid email address, like name@example.org.")]
        [StringLength(256)]
        public string Email { get; set; } = "";
    }

    public sealed record EpisodeChoice(Guid Id, string Title, EpisodeFormat Format);

    /// <summary>The episodes the therapist may invite into: their own, not ended.</summary>
    public async Task<IReadOnlyList<EpisodeChoice>> ChoicesAsync(CancellationToken cancellationToken = default)
    {
        var staffId = db.Viewer.StaffMemberId;
        if (staffId is null)
        {
            return [];
        }

        var choices = await db.Episodes.AsNoTracking()
            .WhereViewerIsOnCareTeam(db.Viewer)
            .Where(e => e.Status != EpisodeStatus.Ended)
            .Select(e => new EpisodeChoice(e.Id, e.Title, e.Format))
            .ToListAsync(cancellationToken);
        // Titles are encrypted at rest (random nonce), so SQL cannot order them: sort the decrypted titles here.
        return [.. choices.OrderBy(e => e.Title, StringComparer.CurrentCulture)];
    }

    public async Task<Outcome<InvitationSent>> HandleAsync(Form form, string acceptUrlBase, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(form);
        var viewer = db.Viewer;
        if (!viewer.Has(StaffRoles.Therapist) || viewer.StaffMemberId is not { } staffId || viewer.PracticeId is not { } practiceId || viewer.UserId is null)
        {
            return Outcome<InvitationSent>.Missing();
        }

        var errors = FormValidation.Validate(form);
        CareEpisode? episode = null;
        if (form.EpisodeId is { } episodeId)
        {
            // Only an episode the therapist is on: the relationship filter hides the rest, and a supervisor may not invite into a supervisee's episode.
            episode = await db.Episodes.WhereViewerIsOnCareTeam(db.Viewer).FirstOrDefaultAsync(e => e.Id == episodeId, cancellationToken);
            if (episode is null)
            {
                errors[nameof(Form.EpisodeId)] = "Choose one of your own episodes.";
            }
            else if (episode.Status == EpisodeStatus.Ended)
            {
                errors[nameof(Form.EpisodeId)] = "This episode has ended; start a new episode to invite the client.";
            }
        }

        var email = form.Email.Trim().ToLowerInvariant();
        if (errors.Count > 0 || episode is null)
        {
            return Outcome<InvitationSent>.Invalid(errors);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var client = await db.Clients.FirstOrDefaultAsync(c => c.Email == email && c.Memberships.Any(m => m.EpisodeId == episode.Id), cancellationToken);
        if (client is null)
        {
            client = new Client { PracticeId = practiceId, DisplayName = form.DisplayName.Trim(), Email = email, CreatedAt = now };
            db.Clients.Add(client);
            db.EpisodeMembers.Add(new EpisodeMember { EpisodeId = episode.Id, ClientId = client.Id, JoinedOn = DateOnly.FromDateTime(now) });
        }

        var (token, hash) = InvitationTokens.Create();
        var invitation = new Invitation
        {
            PracticeId = practiceId,
            Kind = InvitationKind.Client,
            Email = email,
            TokenHash = hash,
            ClientId = client.Id,
            EpisodeId = episode.Id,
            InvitedByUserId = viewer.UserId,
            CreatedAt = now,
            ExpiresAt = now + InvitationTokens.Lifetime,
        };
        db.Invitations.Add(invitation);
        return await InvitationMail.SaveAndSendAsync(db, mailer, invitation, token, acceptUrlBase, client.DisplayName, "Your invitation to Rapport",
            "Your therapist has invited you to Rapport, where you can tell them how you are doing between sessions.",
            "Your therapist has invited you to Rapport.", cancellationToken);
    }
}
