using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Rapport.Access;
using Rapport.Accounts;
using Rapport.Alerts;
using Rapport.Audit;
using Rapport.BreakGlass;
using Rapport.CheckIns;
using Rapport.Clients;
using Rapport.Episodes;
using Rapport.Goals;
using Rapport.Consents;
using Rapport.InRoom;
using Rapport.Invitations;
using Rapport.Listening;
using Rapport.Measures;
using Rapport.Practices;
using Rapport.Reminders;
using Rapport.Rights;
using Rapport.Privacy;
using Rapport.Progress;
using Rapport.Sessions;
using Rapport.Staff;

namespace Rapport.Persistence;

/// <summary>
/// The database. Access by care relationship is enforced HERE, as global query filters, so every
/// query of clinical data (pages, API, exports) sees only what the current <see cref="Viewer"/> may see:
/// <list type="bullet">
/// <item>nothing crosses practices (the tenant filter);</item>
/// <item>a therapist sees the clients, episodes, sessions and answers of episodes they are on;</item>
/// <item>a supervisor sees those of their supervisees;</item>
/// <item>a client sees their own record and answers only, never another member's (couples, families, groups);</item>
/// <item>a practice admin sees staff and client accounts but no episodes, sessions, answers or free text, except one
/// client's for an hour after recording a break-glass reason (<see cref="BreakGlass.OpenBreakGlass"/>).</item>
/// </list>
/// </summary>
public sealed partial class RapportDb(
    DbContextOptions<RapportDb> options,
    IViewerSource viewerSource,
    AuditContext? auditContext = null,
    TimeProvider? clock = null)
    : IdentityDbContext<RapportUser>(options), IDataProtectionKeyContext
{
    public DbSet<Practice> Practices => Set<Practice>();
    public DbSet<StaffMember> StaffMembers => Set<StaffMember>();
    public DbSet<Supervision> Supervisions => Set<Supervision>();
    public DbSet<Client> Clients => Set<Client>();
    public DbSet<CareEpisode> Episodes => Set<CareEpisode>();
    public DbSet<EpisodeTherapist> EpisodeTherapists => Set<EpisodeTherapist>();
    public DbSet<EpisodeMember> EpisodeMembers => Set<EpisodeMember>();
    public DbSet<Session> Sessions => Set<Session>();
    public DbSet<SessionAttendee> SessionAttendees => Set<SessionAttendee>();
    public DbSet<MeasureResponse> MeasureResponses => Set<MeasureResponse>();
    public DbSet<Invitation> Invitations => Set<Invitation>();
    public DbSet<Consent> Consents => Set<Consent>();
    public DbSet<SessionTranscript> SessionTranscripts => Set<SessionTranscript>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<BreakGlassGrant> BreakGlassGrants => Set<BreakGlassGrant>();
    public DbSet<CheckInDraft> CheckInDrafts => Set<CheckInDraft>();
    public DbSet<RiskAlert> RiskAlerts => Set<RiskAlert>();
    public DbSet<ClientNote> ClientNotes => Set<ClientNote>();
    public DbSet<ClientGoal> ClientGoals => Set<ClientGoal>();
    public DbSet<RightsRequest> RightsRequests => Set<RightsRequest>();
    public DbSet<CheckInReminder> CheckInReminders => Set<CheckInReminder>();
    public DbSet<InRoomPass> InRoomPasses => Set<InRoomPass>();
    public DbSet<PracticeExpectedModel> PracticeExpectedModels => Set<PracticeExpectedModel>();

    /// <summary>The sign-in key ring (ASP.NET Core Data Protection), shared by every instance; each key's XML is encrypted by a certificate kept outside the database (docs/decisions/0012).</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public Viewer Viewer => viewerSource.Current;

    // The query filters read these members of the context; EF evaluates them for every query.
    // Supervision is looked up by key (Set<Supervision>()), not through StaffMember navigations: a navigation drags the
    // filtered StaffMembers table into every subquery, which made the dashboard's cost grow with the practice's staff.
    private bool ViewerIsSystem => viewerSource.Current.IsSystem;
    private Guid? ViewerPracticeId => viewerSource.Current.PracticeId;
    private Guid? ViewerStaffId => viewerSource.Current.StaffMemberId;
    private Guid? ViewerClientId => viewerSource.Current.ClientId;
    private bool ViewerIsAdmin => viewerSource.Current.Has(StaffRoles.PracticeAdmin);
    private DateTime ViewerNow => (clock ?? TimeProvider.System).GetUtcNow().UtcDateTime;

    // ---- One person's record under break-glass (issue 10, item 4) ----
    // The episode and session filters let a grant for one couple or group member through to the SHARED episode (the
    // grantee must see the granted client's own care). Reading another member's record through it would open the
    // partner, so a feature that returns one client's record asks for that client's episodes here: a grant is for one
    // person's record (docs/security.md, "What break-glass shows").

    /// <summary>Episodes the viewer reaches through a care team they are on or supervise (not through break-glass).</summary>
    public IQueryable<Guid> EpisodeIdsInViewersCare => EpisodeTherapists
        .Where(t => t.StaffMemberId == ViewerStaffId
            || Set<Supervision>().Any(s => s.SuperviseeId == t.StaffMemberId && s.SupervisorId == ViewerStaffId))
        .Select(t => t.EpisodeId);

    /// <summary>The episodes of <paramref name="clientId"/>'s record the viewer may read: by care, or by a live grant for this client.</summary>
    public IQueryable<CareEpisode> EpisodesInRecordOf(Guid clientId) => Episodes.Where(e => e.Members.Any(m => m.ClientId == clientId)
        && (ViewerIsSystem
            || e.Members.Any(m => m.ClientId == ViewerClientId)
            || EpisodeIdsInViewersCare.Contains(e.Id)
            || (ViewerIsAdmin && BreakGlassGrants.Any(g => g.StaffMemberId == ViewerStaffId && g.ClientId == clientId && g.ExpiresAt > ViewerNow))));

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);
        // Readable in the database and stable when enum members are reordered.
        configurationBuilder.Properties<Enum>().HaveConversion<string>().HaveMaxLength(32);
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        base.OnModelCreating(builder);

        builder.Entity<RapportUser>(u =>
        {
            u.HasIndex(x => x.StaffMemberId).IsUnique();
            u.HasIndex(x => x.ClientId).IsUnique();
        });

        builder.Entity<Practice>(p =>
        {
            p.Property(x => x.Name).HasMaxLength(200);
            p.Property(x => x.Slug).HasMaxLength(80);
            p.Property(x => x.TimeZone).HasMaxLength(64);
            p.Property(x => x.CrisisText).HasMaxLength(1000);
            p.Property(x => x.OnCallEmail).HasMaxLength(256);
            p.Property(x => x.MeasurementPlan).HasMaxLength(400);
            p.HasIndex(x => x.Slug).IsUnique();
            p.Property(x => x.Version).IsConcurrencyToken();
        });

        builder.Entity<StaffMember>(s =>
        {
            s.Property(x => x.DisplayName).HasMaxLength(200);
            s.Property(x => x.Email).HasMaxLength(256);
            s.Property(x => x.Roles).HasConversion<int>();
            s.Property(x => x.Version).IsConcurrencyToken();
            s.HasIndex(x => new { x.PracticeId, x.Email }).IsUnique();
            s.HasOne<Practice>().WithMany().HasForeignKey(x => x.PracticeId).OnDelete(DeleteBehavior.Restrict);
            s.HasMany(x => x.SupervisedBy).WithOne(x => x.Supervisee).HasForeignKey(x => x.SuperviseeId);
            s.HasQueryFilter(RapportFilters.Tenant, x => ViewerIsSystem || x.PracticeId == ViewerPracticeId);
        });

        builder.Entity<Supervision>(s =>
        {
            s.HasOne(x => x.Supervisor).WithMany().HasForeignKey(x => x.SupervisorId).OnDelete(DeleteBehavior.Restrict);
            s.HasIndex(x => new { x.SupervisorId, x.SuperviseeId }).IsUnique();
            s.HasIndex(x => x.SuperviseeId);
            s.HasQueryFilter(RapportFilters.Tenant, x => ViewerIsSystem || x.PracticeId == ViewerPracticeId);
        });

        builder.Entity<Client>(c =>
        {
            c.Property(x => x.DisplayName).HasMaxLength(200);
            c.Property(x => x.Email).HasMaxLength(256);
            c.Property(x => x.Version).IsConcurrencyToken();
            c.HasIndex(x => x.PracticeId);
            c.HasOne<Practice>().WithMany().HasForeignKey(x => x.PracticeId).OnDelete(DeleteBehavior.Restrict);
            c.HasQueryFilter(RapportFilters.Tenant, x => ViewerIsSystem || x.PracticeId == ViewerPracticeId);
            c.HasQueryFilter(RapportFilters.CareRelationship, x => ViewerIsSystem
                || ViewerIsAdmin
                || x.Id == ViewerClientId
                || x.Memberships.Any(m => m.Episode!.CareTeam.Any(t =>
                    t.StaffMemberId == ViewerStaffId
                    || Set<Supervision>().Any(s => s.SuperviseeId == t.StaffMemberId && s.SupervisorId == ViewerStaffId))));
        });

        builder.Entity<CareEpisode>(e =>
        {
            e.Property(x => x.MeasurementPlan).HasMaxLength(400);
            e.Property(x => x.Version).IsConcurrencyToken();
            e.HasIndex(x => x.PracticeId);
            e.HasOne<Practice>().WithMany().HasForeignKey(x => x.PracticeId).OnDelete(DeleteBehavior.Restrict);
            e.HasQueryFilter(RapportFilters.Tenant, x => ViewerIsSystem || x.PracticeId == ViewerPracticeId);
            e.HasQueryFilter(RapportFilters.CareRelationship, x => ViewerIsSystem
                || x.Members.Any(m => m.ClientId == ViewerClientId)
                || (ViewerIsAdmin && x.Members.Any(m => BreakGlassGrants.Any(g =>
                    g.StaffMemberId == ViewerStaffId && g.ClientId == m.ClientId && g.ExpiresAt > ViewerNow)))
                || x.CareTeam.Any(t =>
                    t.StaffMemberId == ViewerStaffId
                    || Set<Supervision>().Any(s => s.SuperviseeId == t.StaffMemberId && s.SupervisorId == ViewerStaffId)));
        });

        builder.Entity<EpisodeTherapist>(t =>
        {
            t.HasKey(x => new { x.EpisodeId, x.StaffMemberId });
            t.HasIndex(x => x.StaffMemberId);
            t.HasOne(x => x.Episode).WithMany(x => x.CareTeam).HasForeignKey(x => x.EpisodeId);
            t.HasOne(x => x.StaffMember).WithMany().HasForeignKey(x => x.StaffMemberId).OnDelete(DeleteBehavior.Restrict);
        });

        builder.Entity<EpisodeMember>(m =>
        {
            m.HasKey(x => new { x.EpisodeId, x.ClientId });
            m.HasIndex(x => x.ClientId);
            m.HasOne(x => x.Episode).WithMany(x => x.Members).HasForeignKey(x => x.EpisodeId);
            m.HasOne(x => x.Client).WithMany(x => x.Memberships).HasForeignKey(x => x.ClientId).OnDelete(DeleteBehavior.Restrict);
        });

        builder.Entity<Session>(s =>
        {
            s.Property(x => x.Version).IsConcurrencyToken();
            s.HasIndex(x => new { x.EpisodeId, x.StartsAt });
            s.HasOne(x => x.Episode).WithMany(x => x.Sessions).HasForeignKey(x => x.EpisodeId);
            s.HasMany(x => x.Attendees).WithOne().HasForeignKey(x => x.SessionId);
            s.HasQueryFilter(RapportFilters.Tenant, x => ViewerIsSystem || x.PracticeId == ViewerPracticeId);
            s.HasQueryFilter(RapportFilters.CareRelationship, x => ViewerIsSystem
                || x.Episode!.Members.Any(m => m.ClientId == ViewerClientId)
                || (ViewerIsAdmin && x.Episode!.Members.Any(m => BreakGlassGrants.Any(g =>
                    g.StaffMemberId == ViewerStaffId && g.ClientId == m.ClientId && g.ExpiresAt > ViewerNow)))
                || x.Episode!.CareTeam.Any(t =>
                    t.StaffMemberId == ViewerStaffId
                    || Set<Supervision>().Any(s => s.SuperviseeId == t.StaffMemberId && s.SupervisorId == ViewerStaffId)));
        });

        builder.Entity<SessionAttendee>(a =>
        {
            a.HasKey(x => new { x.SessionId, x.ClientId });
            a.HasOne<Client>().WithMany().HasForeignKey(x => x.ClientId).OnDelete(DeleteBehavior.Restrict);
        });

        builder.Entity<MeasureResponse>(r =>
        {
            r.Property(x => x.InstrumentId).HasMaxLength(64);
            r.Property(x => x.AnswersJson).HasMaxLength(8000);
            r.HasIndex(x => new { x.EpisodeId, x.ClientId, x.InstrumentId, x.SubmittedAt });
            r.HasIndex(x => new { x.ClientId, x.SubmittedAt });
            r.HasOne(x => x.Episode).WithMany().HasForeignKey(x => x.EpisodeId);
            r.HasOne<Client>().WithMany().HasForeignKey(x => x.ClientId).OnDelete(DeleteBehavior.Restrict);
            r.HasOne<Session>().WithMany().HasForeignKey(x => x.SessionId).OnDelete(DeleteBehavior.Restrict);
            r.HasQueryFilter(RapportFilters.Tenant, x => ViewerIsSystem || x.PracticeId == ViewerPracticeId);
            // A member's answers are theirs and their care team's: never a partner's or a group member's.
            r.HasQueryFilter(RapportFilters.CareRelationship, x => ViewerIsSystem
                || x.ClientId == ViewerClientId
                || (ViewerIsAdmin && BreakGlassGrants.Any(g =>
                    g.StaffMemberId == ViewerStaffId && g.ClientId == x.ClientId && g.ExpiresAt > ViewerNow))
                || x.Episode!.CareTeam.Any(t =>
                    t.StaffMemberId == ViewerStaffId
                    || Set<Supervision>().Any(s => s.SuperviseeId == t.StaffMemberId && s.SupervisorId == ViewerStaffId)));
        });

        builder.Entity<Consent>(c =>
        {
            c.Property(x => x.Wording).HasMaxLength(4000);
            c.Property(x => x.RecordedByUserId).HasMaxLength(450);
            c.Property(x => x.Version).IsConcurrencyToken();
            c.HasIndex(x => new { x.ClientId, x.Kind });
            c.HasOne<Client>().WithMany().HasForeignKey(x => x.ClientId).OnDelete(DeleteBehavior.Restrict);
            c.HasQueryFilter(RapportFilters.Tenant, x => ViewerIsSystem || x.PracticeId == ViewerPracticeId);
            // Consent is about the client, not a clinical answer: the client, their care team and the practice admin may see it.
            c.HasQueryFilter(RapportFilters.CareRelationship, x => ViewerIsSystem
                || ViewerIsAdmin
                || x.ClientId == ViewerClientId
                || Set<EpisodeMember>().Any(m => m.ClientId == x.ClientId && m.Episode!.CareTeam.Any(t =>
                    t.StaffMemberId == ViewerStaffId
                    || Set<Supervision>().Any(s => s.SuperviseeId == t.StaffMemberId && s.SupervisorId == ViewerStaffId))));
        });

        builder.Entity<SessionTranscript>(t =>
        {
            t.Property(x => x.Format).HasMaxLength(32);
            t.Property(x => x.TherapistSpeaker).HasMaxLength(200);
            t.Property(x => x.Error).HasMaxLength(2000);
            t.Property(x => x.Version).IsConcurrencyToken();
            t.HasIndex(x => new { x.TherapistId, x.UploadedAt });
            t.HasIndex(x => x.SessionId);
            t.HasOne(x => x.Episode).WithMany().HasForeignKey(x => x.EpisodeId);
            t.HasOne<Session>().WithMany().HasForeignKey(x => x.SessionId).OnDelete(DeleteBehavior.Restrict);
            t.HasOne<StaffMember>().WithMany().HasForeignKey(x => x.TherapistId).OnDelete(DeleteBehavior.Restrict);
            t.HasQueryFilter(RapportFilters.Tenant, x => ViewerIsSystem || x.PracticeId == ViewerPracticeId);
            // Transcripts are for the care team and their supervisors only: not the client portal, not the admin.
            t.HasQueryFilter(RapportFilters.CareRelationship, x => ViewerIsSystem
                || x.Episode!.CareTeam.Any(c =>
                    c.StaffMemberId == ViewerStaffId
                    || Set<Supervision>().Any(s => s.SuperviseeId == c.StaffMemberId && s.SupervisorId == ViewerStaffId)));
        });

        builder.Entity<CheckInDraft>(d =>
        {
            d.Property(x => x.InstrumentId).HasMaxLength(64);
            d.Property(x => x.AnswersJson).HasMaxLength(8000);
            d.Property(x => x.Version).IsConcurrencyToken();
            d.HasIndex(x => new { x.ClientId, x.EpisodeId, x.InstrumentId }).IsUnique();
            d.HasOne<CareEpisode>().WithMany().HasForeignKey(x => x.EpisodeId);
            d.HasOne<Client>().WithMany().HasForeignKey(x => x.ClientId).OnDelete(DeleteBehavior.Restrict);
            d.HasQueryFilter(RapportFilters.Tenant, x => ViewerIsSystem || x.PracticeId == ViewerPracticeId);
            // A half-answered questionnaire is the client's own until they submit it.
            d.HasQueryFilter(RapportFilters.CareRelationship, x => ViewerIsSystem || x.ClientId == ViewerClientId);
        });

        builder.Entity<RiskAlert>(a =>
        {
            a.Property(x => x.InstrumentId).HasMaxLength(64);
            a.Property(x => x.Item).HasMaxLength(64);
            a.Property(x => x.AnswerLabel).HasMaxLength(200);
            a.Property(x => x.AcknowledgedByName).HasMaxLength(200);
            a.Property(x => x.Version).IsConcurrencyToken();
            a.HasIndex(x => new { x.EpisodeId, x.AcknowledgedAt });
            a.HasIndex(x => x.ClientId);
            a.HasOne(x => x.Episode).WithMany().HasForeignKey(x => x.EpisodeId);
            a.HasOne<Client>().WithMany().HasForeignKey(x => x.ClientId).OnDelete(DeleteBehavior.Restrict);
            a.HasOne<MeasureResponse>().WithMany().HasForeignKey(x => x.MeasureResponseId).OnDelete(DeleteBehavior.Restrict);
            a.HasQueryFilter(RapportFilters.Tenant, x => ViewerIsSystem || x.PracticeId == ViewerPracticeId);
            // Like the answers it comes from: the client's own and their care team's, never a partner's; no admin.
            a.HasQueryFilter(RapportFilters.CareRelationship, x => ViewerIsSystem
                || x.ClientId == ViewerClientId
                || x.Episode!.CareTeam.Any(t =>
                    t.StaffMemberId == ViewerStaffId
                    || Set<Supervision>().Any(s => s.SuperviseeId == t.StaffMemberId && s.SupervisorId == ViewerStaffId)));
        });

        builder.Entity<ClientNote>(n =>
        {
            // No column length: the encrypted value is longer than the text (LeaveNote enforces ClientNote.MaxLength).
            n.HasIndex(x => new { x.EpisodeId, x.WrittenAt });
            n.HasIndex(x => x.ClientId);
            n.HasOne(x => x.Episode).WithMany().HasForeignKey(x => x.EpisodeId);
            n.HasOne<Client>().WithMany().HasForeignKey(x => x.ClientId).OnDelete(DeleteBehavior.Restrict);
            n.HasQueryFilter(RapportFilters.Tenant, x => ViewerIsSystem || x.PracticeId == ViewerPracticeId);
            n.HasQueryFilter(RapportFilters.CareRelationship, x => ViewerIsSystem
                || x.ClientId == ViewerClientId
                || x.Episode!.CareTeam.Any(t =>
                    t.StaffMemberId == ViewerStaffId
                    || Set<Supervision>().Any(s => s.SuperviseeId == t.StaffMemberId && s.SupervisorId == ViewerStaffId)));
        });

        builder.Entity<ClientGoal>(g =>
        {
            // No column length on Text: encrypted (SetGoal enforces ClientGoal.MaxLength).
            g.Property(x => x.Version).IsConcurrencyToken();
            g.HasIndex(x => new { x.ClientId, x.EpisodeId });
            g.HasIndex(x => x.EpisodeId);
            g.HasOne(x => x.Episode).WithMany().HasForeignKey(x => x.EpisodeId);
            g.HasOne<Client>().WithMany().HasForeignKey(x => x.ClientId).OnDelete(DeleteBehavior.Restrict);
            g.HasQueryFilter(RapportFilters.Tenant, x => ViewerIsSystem || x.PracticeId == ViewerPracticeId);
            // Like the client's notes: their own and their care team's, never a partner's or group member's; no admin.
            g.HasQueryFilter(RapportFilters.CareRelationship, x => ViewerIsSystem
                || x.ClientId == ViewerClientId
                || x.Episode!.CareTeam.Any(t =>
                    t.StaffMemberId == ViewerStaffId
                    || Set<Supervision>().Any(s => s.SuperviseeId == t.StaffMemberId && s.SupervisorId == ViewerStaffId)));
        });

        builder.Entity<RightsRequest>(r =>
        {
            r.Property(x => x.DecisionExplanation).HasMaxLength(1000);
            r.HasIndex(x => x.ClientId);
            r.HasOne<Client>().WithMany().HasForeignKey(x => x.ClientId).OnDelete(DeleteBehavior.Restrict);
            r.HasQueryFilter(RapportFilters.Tenant, x => ViewerIsSystem || x.PracticeId == ViewerPracticeId);
            // The client's own requests; the practice admin handles them (no clinical content is in them beyond the client's reason).
            r.HasQueryFilter(RapportFilters.CareRelationship, x => ViewerIsSystem || ViewerIsAdmin || x.ClientId == ViewerClientId);
        });

        builder.Entity<CheckInReminder>(r =>
        {
            // The idempotency key: one reminder per client, episode and due session, whichever instance sends it.
            r.HasIndex(x => new { x.ClientId, x.EpisodeId, x.DueFor }).IsUnique();
            r.HasOne<Client>().WithMany().HasForeignKey(x => x.ClientId).OnDelete(DeleteBehavior.Restrict);
            r.HasOne<CareEpisode>().WithMany().HasForeignKey(x => x.EpisodeId);
            r.HasQueryFilter(RapportFilters.Tenant, x => ViewerIsSystem || x.PracticeId == ViewerPracticeId);
            r.HasQueryFilter(RapportFilters.CareRelationship, x => ViewerIsSystem || x.ClientId == ViewerClientId);
        });

        builder.Entity<InRoomPass>(p =>
        {
            p.Property(x => x.TokenHash).HasMaxLength(64);
            p.HasIndex(x => x.TokenHash).IsUnique();
            p.HasOne<CareEpisode>().WithMany().HasForeignKey(x => x.EpisodeId);
            p.HasOne<Client>().WithMany().HasForeignKey(x => x.ClientId).OnDelete(DeleteBehavior.Restrict);
            p.HasOne<StaffMember>().WithMany().HasForeignKey(x => x.StaffMemberId).OnDelete(DeleteBehavior.Restrict);
            p.HasQueryFilter(RapportFilters.Tenant, x => ViewerIsSystem || x.PracticeId == ViewerPracticeId);
            // The member it is for (who redeems it) and the staff member who made it.
            p.HasQueryFilter(RapportFilters.CareRelationship, x => ViewerIsSystem || x.ClientId == ViewerClientId || x.StaffMemberId == ViewerStaffId);
        });

        builder.Entity<Invitation>(i =>
        {
            i.Property(x => x.Email).HasMaxLength(256);
            i.Property(x => x.TokenHash).HasMaxLength(64);
            i.Property(x => x.InvitedByUserId).HasMaxLength(450);
            i.Property(x => x.Roles).HasConversion<int>();
            i.Property(x => x.Version).IsConcurrencyToken();
            i.HasIndex(x => x.TokenHash).IsUnique();
            i.HasOne<Practice>().WithMany().HasForeignKey(x => x.PracticeId).OnDelete(DeleteBehavior.Restrict);
            i.HasQueryFilter(RapportFilters.Tenant, x => ViewerIsSystem || x.PracticeId == ViewerPracticeId);
        });

        builder.Entity<AuditEntry>(a =>
        {
            a.Property(x => x.UserId).HasMaxLength(450);
            a.Property(x => x.ActorName).HasMaxLength(200);
            a.Property(x => x.ActorRole).HasMaxLength(64);
            a.Property(x => x.RecordType).HasMaxLength(64);
            a.Property(x => x.RecordId).HasMaxLength(64);
            a.Property(x => x.IpAddress).HasMaxLength(AuditContext.MaxIpLength);
            a.Property(x => x.UserAgent).HasMaxLength(AuditContext.MaxUserAgentLength);
            a.Property(x => x.Reason).HasMaxLength(AuditContext.MaxReasonLength);
            a.Property(x => x.PreviousHash).HasMaxLength(64);
            a.Property(x => x.Hash).HasMaxLength(64);
            // The chain's serialisation point: two concurrent appends cannot both take the same sequence number.
            a.HasIndex(x => new { x.PracticeId, x.Sequence }).IsUnique();
            a.HasIndex(x => new { x.ClientId, x.At });
            a.HasOne<Practice>().WithMany().HasForeignKey(x => x.PracticeId).OnDelete(DeleteBehavior.Restrict);
            a.HasQueryFilter(RapportFilters.Tenant, x => ViewerIsSystem || x.PracticeId == ViewerPracticeId);
        });

        builder.Entity<BreakGlassGrant>(g =>
        {
            // Reason: encrypted, no column length (OpenBreakGlass enforces its length).
            g.HasIndex(x => new { x.StaffMemberId, x.ClientId, x.ExpiresAt });
            g.HasOne<Practice>().WithMany().HasForeignKey(x => x.PracticeId).OnDelete(DeleteBehavior.Restrict);
            g.HasOne<StaffMember>().WithMany().HasForeignKey(x => x.StaffMemberId).OnDelete(DeleteBehavior.Restrict);
            g.HasOne<Client>().WithMany().HasForeignKey(x => x.ClientId).OnDelete(DeleteBehavior.Restrict);
            g.HasQueryFilter(RapportFilters.Tenant, x => ViewerIsSystem || x.PracticeId == ViewerPracticeId);
        });

        ConfigureExpectedModels(builder);
        EncryptMarkedProperties(builder);
    }

    // Model convention: every string property marked [Encrypted] is stored as AES-GCM ciphertext, in an unbounded
    // text column (ciphertext is longer than the text; limit the text's length in the feature instead).
    private void EncryptMarkedProperties(ModelBuilder builder)
    {
        var ring = this.GetService<IDbContextOptions>().FindExtension<FieldEncryptionOptions>()?.Ring
            ?? throw new InvalidOperationException("RapportDb needs a key ring: configure it with RapportDatabase.Configure.");
        foreach (var entity in builder.Model.GetEntityTypes())
        {
            foreach (var property in entity.GetProperties())
            {
                if (property.PropertyInfo?.IsDefined(typeof(EncryptedAttribute), inherit: true) == true && property.ClrType == typeof(string))
                {
                    property.SetValueConverter(FieldEncryption.Converter(ring, $"{entity.ClrType.Name}.{property.Name}"));
                    property.SetMaxLength(null);
                }
            }
        }
    }

    // The audit entries for a save are written by the same SaveChanges, so in the same transaction as the change
    // they record: either both are stored or neither (see RapportDb.Audit.cs).
    public override int SaveChanges(bool acceptAllChangesOnSuccess) =>
        SaveChangesAsync(acceptAllChangesOnSuccess).GetAwaiter().GetResult();

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        RenewConcurrencyTokens();
        return SaveWithAuditAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    // Optimistic concurrency that works the same on SQLite and PostgreSQL: a Guid that changes on every
    // update, so a second editor working from a stale copy gets DbUpdateConcurrencyException instead of
    // silently overwriting the first.
    private void RenewConcurrencyTokens()
    {
        foreach (var entry in ChangeTracker.Entries())
        {
            if (entry.State == EntityState.Modified && entry.Metadata.FindProperty("Version") is { IsConcurrencyToken: true })
            {
                entry.Property("Version").CurrentValue = Guid.NewGuid();
            }
        }
    }
}

public static class RapportFilters
{
    public const string Tenant = "Tenant";
    public const string CareRelationship = "CareRelationship";
}
