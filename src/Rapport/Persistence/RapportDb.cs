using System.Linq.Expressions;
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
using Rapport.Matching;
using Rapport.Measures;
using Rapport.Practices;
using Rapport.Reminders;
using Rapport.Rights;
using Rapport.Privacy;
using Rapport.Progress;
using Rapport.Sessions;
using Rapport.Staff;
using Rapport.Systems;
using Rapport.Fhir.Export;
using Rapport.Testimonials;

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
    AuditContext auditContext,
    TimeProvider clock)
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
    public DbSet<AuditEntrySubject> AuditEntrySubjects => Set<AuditEntrySubject>();
    public DbSet<AuditSubjectWatermark> AuditSubjectWatermarks => Set<AuditSubjectWatermark>();
    public DbSet<BreakGlassGrant> BreakGlassGrants => Set<BreakGlassGrant>();
    public DbSet<CheckInDraft> CheckInDrafts => Set<CheckInDraft>();
    public DbSet<RiskAlert> RiskAlerts => Set<RiskAlert>();
    public DbSet<ClientNote> ClientNotes => Set<ClientNote>();
    public DbSet<ClientGoal> ClientGoals => Set<ClientGoal>();
    public DbSet<RightsRequest> RightsRequests => Set<RightsRequest>();
    public DbSet<CheckInReminder> CheckInReminders => Set<CheckInReminder>();
    public DbSet<InRoomPass> InRoomPasses => Set<InRoomPass>();
    public DbSet<PracticeExpectedModel> PracticeExpectedModels => Set<PracticeExpectedModel>();
    public DbSet<ConnectedSystem> ConnectedSystems => Set<ConnectedSystem>();
    public DbSet<UsedClientAssertion> UsedClientAssertions => Set<UsedClientAssertion>();
    public DbSet<ExportJob> ExportJobs => Set<ExportJob>();
    public DbSet<ExportFile> ExportFiles => Set<ExportFile>();
    public DbSet<Testimonial> Testimonials => Set<Testimonial>();
    public DbSet<TestimonialInvitation> TestimonialInvitations => Set<TestimonialInvitation>();
    public DbSet<TherapistProfile> TherapistProfiles => Set<TherapistProfile>();
    public DbSet<MatchReferral> MatchReferrals => Set<MatchReferral>();

    /// <summary>Named leases for background work done in rounds (audit checkpoints, the model refit): one instance per round.</summary>
    public DbSet<Jobs.JobClaim> JobClaims => Set<Jobs.JobClaim>();

    /// <summary>The sign-in key ring (ASP.NET Core Data Protection), shared by every instance; each key's XML is encrypted by a certificate kept outside the database (docs/decisions/0014).</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public Viewer Viewer => viewerSource.Current;

    // The query filters read these members of the context; EF evaluates them for every query.
    // Supervision is looked up by key (Set<Supervision>()), not through StaffMember navigations: a navigation drags the
    // filtered StaffMembers table into every subquery, which made the dashboard's cost grow with the practice's staff.
    private bool ViewerIsSystem => viewerSource.Current.IsSystem;

    // A connected system (SMART Backend Services) reads its practice's records that the FHIR API serves, and no others
    // (no notes, goals, transcripts, drafts): the tenant filter still holds it to its own practice.
    private bool ViewerReadsPracticeRecords => viewerSource.Current.IsSystem || viewerSource.Current.ConnectedSystemId != null;
    private Guid? ViewerPracticeId => viewerSource.Current.PracticeId;
    private Guid? ViewerStaffId => viewerSource.Current.StaffMemberId;
    private Guid? ViewerClientId => viewerSource.Current.ClientId;
    private Guid? ViewerConnectedSystemId => viewerSource.Current.ConnectedSystemId;
    private bool ViewerIsAdmin => viewerSource.Current.Has(StaffRoles.PracticeAdmin);
    private DateTime ViewerNow => clock.GetUtcNow().UtcDateTime;

    // ---- One person's record under break-glass (issue 10, item 4) ----
    // The episode and session filters let a grant for one couple or group member through to the SHARED episode (the
    // grantee must see the granted client's own care). Reading another member's record through it would open the
    // partner, so a feature that returns one client's record asks for that client's episodes here: a grant is for one
    // person's record (docs/security.md, "What break-glass shows").

    /// <summary>Episodes the viewer reaches through a care team they are on or supervise (not through break-glass).</summary>
    public IQueryable<Guid> EpisodeIdsInViewersCare => EpisodeTherapists
        .Where(FilterRules.Inline<EpisodeTherapist>(t => ViewerTeamHas.Invoke(t.StaffMemberId)))
        .Select(t => t.EpisodeId);

    /// <summary>The viewer's team: the viewer and the staff they supervise (<see cref="ViewerTeamHas"/>), as ids.</summary>
    public IQueryable<Guid> ViewerTeam => StaffMembers
        .Where(FilterRules.Inline<StaffMember>(m => ViewerTeamHas.Invoke(m.Id)))
        .Select(m => m.Id);

    /// <summary>Episodes the viewer reaches by care (on or supervising the team) or as a member: never through break-glass.</summary>
    public IQueryable<CareEpisode> EpisodesByCareOrMembership => Episodes.Where(e => ViewerReadsPracticeRecords
        || e.Members.Any(m => m.ClientId == ViewerClientId)
        || EpisodeIdsInViewersCare.Contains(e.Id));

    /// <summary>The episodes of <paramref name="clientId"/>'s record the viewer may read: by care or membership, or by a live grant for this client.</summary>
    public IQueryable<CareEpisode> EpisodesInRecordOf(Guid clientId) => Episodes.Where(e => e.Members.Any(m => m.ClientId == clientId)
        && (EpisodesByCareOrMembership.Any(c => c.Id == e.Id)
            || (ViewerIsAdmin && BreakGlassGrants.Any(g => g.StaffMemberId == ViewerStaffId && g.ClientId == clientId && g.ExpiresAt > ViewerNow))));

    // ---- Aggregates across the practice (insights, success stories) ----
    // The care-relationship filters would show a therapist only their own clients and a practice admin none, yet the
    // practice's insights are figures over every finished episode of the practice. A feature that returns only counts,
    // proportions and intervals (never a row, name or id of a client) reads through this, which keeps the tenant filter
    // and lifts only the care-relationship one, for a signed-in staff member of the practice.

    /// <summary>
    /// <typeparamref name="T"/> across the viewer's whole practice (tenant filter kept, care-relationship filter lifted),
    /// for features that return aggregates only; empty for anyone but staff.
    /// </summary>
    public IQueryable<T> PracticeWideForAggregates<T>() where T : class => ViewerIsSystem || ViewerStaffId != null
        ? Set<T>().IgnoreQueryFilters([RapportFilters.CareRelationship])
        : Set<T>().Where(_ => false);

    /// <summary>
    /// <typeparamref name="T"/> past every filter, for the public success stories alone: the practice's aggregate
    /// outcomes shown without a sign-in. <see cref="Insights.GetInsights.PublicPracticeAsync"/> constrains every row to
    /// one practice's ended episodes and returns rounded, suppressed aggregates only.
    /// </summary>
    internal IQueryable<T> ForPublicAggregates<T>() where T : class => Set<T>().IgnoreQueryFilters();

    /// <summary>
    /// A practice's published testimonials, for its public page and feed: the one read of testimonials that needs no
    /// sign-in, so it names the practice and the published status here. Withdrawn or undecided ones never pass.
    /// </summary>
    public IQueryable<Testimonial> PublishedTestimonialsOf(Guid practiceId) => Testimonials.IgnoreQueryFilters()
        .Where(t => t.PracticeId == practiceId && t.Status == TestimonialStatus.Published)
        .Where(t => Clients.IgnoreQueryFilters().Where(Client.MayBeUsedBeyondCare).Any(c => c.Id == t.ClientId));

    /// <summary>
    /// A practice's approved therapist profiles, for the public matching and profile pages: the one read of profiles that
    /// needs no sign-in, so it names the practice, the approved version and an active therapist here. A draft is never
    /// public; the query returns only what the public read needs.
    /// </summary>
    public IQueryable<TherapistProfile> ApprovedProfilesOf(Guid practiceId) => TherapistProfiles.IgnoreQueryFilters()
        .Where(p => p.PracticeId == practiceId && p.PublishedAt != null && p.PublishedJson != null)
        .Where(p => StaffMembers.IgnoreQueryFilters().Any(s => s.Id == p.StaffMemberId && s.PracticeId == practiceId && s.Active));

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

        // Mapping (column lengths, keys, indexes, relationships) lives beside each entity, in its feature folder
        // (e.g. Episodes/CareEpisodeConfiguration.cs). This file keeps only who may see what.
        builder.ApplyConfigurationsFromAssembly(typeof(RapportDb).Assembly);

        // OpenIddict's application, authorization, scope and token tables (the registered systems' OAuth clients),
        // in this database so a registration and its client are saved together (docs/decisions/0016).
        builder.UseOpenIddict();

        AddTenantFilters(builder);
        AddCareRelationshipFilters(builder);
        EncryptMarkedProperties(builder);
    }

    // Nothing crosses practices, for every table that belongs to one.
    private void AddTenantFilters(ModelBuilder builder)
    {
        builder.Entity<StaffMember>().HasQueryFilter(RapportFilters.Tenant, x => ViewerIsSystem || x.PracticeId == ViewerPracticeId);
        builder.Entity<Supervision>().HasQueryFilter(RapportFilters.Tenant, x => ViewerIsSystem || x.PracticeId == ViewerPracticeId);
        builder.Entity<Client>().HasQueryFilter(RapportFilters.Tenant, x => ViewerIsSystem || x.PracticeId == ViewerPracticeId);
        builder.Entity<CareEpisode>().HasQueryFilter(RapportFilters.Tenant, x => ViewerIsSystem || x.PracticeId == ViewerPracticeId);
        builder.Entity<Session>().HasQueryFilter(RapportFilters.Tenant, x => ViewerIsSystem || x.PracticeId == ViewerPracticeId);
        builder.Entity<MeasureResponse>().HasQueryFilter(RapportFilters.Tenant, x => ViewerIsSystem || x.PracticeId == ViewerPracticeId);
        builder.Entity<Consent>().HasQueryFilter(RapportFilters.Tenant, x => ViewerIsSystem || x.PracticeId == ViewerPracticeId);
        builder.Entity<SessionTranscript>().HasQueryFilter(RapportFilters.Tenant, x => ViewerIsSystem || x.PracticeId == ViewerPracticeId);
        builder.Entity<CheckInDraft>().HasQueryFilter(RapportFilters.Tenant, x => ViewerIsSystem || x.PracticeId == ViewerPracticeId);
        builder.Entity<RiskAlert>().HasQueryFilter(RapportFilters.Tenant, x => ViewerIsSystem || x.PracticeId == ViewerPracticeId);
        builder.Entity<ClientNote>().HasQueryFilter(RapportFilters.Tenant, x => ViewerIsSystem || x.PracticeId == ViewerPracticeId);
        builder.Entity<ClientGoal>().HasQueryFilter(RapportFilters.Tenant, x => ViewerIsSystem || x.PracticeId == ViewerPracticeId);
        builder.Entity<RightsRequest>().HasQueryFilter(RapportFilters.Tenant, x => ViewerIsSystem || x.PracticeId == ViewerPracticeId);
        builder.Entity<CheckInReminder>().HasQueryFilter(RapportFilters.Tenant, x => ViewerIsSystem || x.PracticeId == ViewerPracticeId);
        builder.Entity<InRoomPass>().HasQueryFilter(RapportFilters.Tenant, x => ViewerIsSystem || x.PracticeId == ViewerPracticeId);
        builder.Entity<Invitation>().HasQueryFilter(RapportFilters.Tenant, x => ViewerIsSystem || x.PracticeId == ViewerPracticeId);
        builder.Entity<AuditEntry>().HasQueryFilter(RapportFilters.Tenant, x => ViewerIsSystem || x.PracticeId == ViewerPracticeId);
        builder.Entity<AuditEntrySubject>().HasQueryFilter(RapportFilters.Tenant, x => ViewerIsSystem || x.PracticeId == ViewerPracticeId);
        builder.Entity<AuditSubjectWatermark>().HasQueryFilter(RapportFilters.Tenant, x => ViewerIsSystem || x.PracticeId == ViewerPracticeId);
        builder.Entity<BreakGlassGrant>().HasQueryFilter(RapportFilters.Tenant, x => ViewerIsSystem || x.PracticeId == ViewerPracticeId);
        builder.Entity<PracticeExpectedModel>().HasQueryFilter(RapportFilters.Tenant, x => ViewerIsSystem || x.PracticeId == ViewerPracticeId);
        builder.Entity<ConnectedSystem>().HasQueryFilter(RapportFilters.Tenant, x => ViewerIsSystem || x.PracticeId == ViewerPracticeId);
        builder.Entity<ExportJob>().HasQueryFilter(RapportFilters.Tenant, x => ViewerIsSystem || x.PracticeId == ViewerPracticeId);
        builder.Entity<ExportFile>().HasQueryFilter(RapportFilters.Tenant, x => ViewerIsSystem || x.PracticeId == ViewerPracticeId);
        builder.Entity<Testimonial>().HasQueryFilter(RapportFilters.Tenant, x => ViewerIsSystem || x.PracticeId == ViewerPracticeId);
        builder.Entity<TestimonialInvitation>().HasQueryFilter(RapportFilters.Tenant, x => ViewerIsSystem || x.PracticeId == ViewerPracticeId);
        builder.Entity<TherapistProfile>().HasQueryFilter(RapportFilters.Tenant, x => ViewerIsSystem || x.PracticeId == ViewerPracticeId);
        builder.Entity<MatchReferral>().HasQueryFilter(RapportFilters.Tenant, x => ViewerIsSystem || x.PracticeId == ViewerPracticeId);
    }

    // The two rules the clinical filters share, each written once. A filter calls one as Rule.Invoke(argument);
    // FilterRules.Inline puts the rule's body in its place when the model is built, so the SQL is what it would be with
    // the rule written out in every filter.

    /// <summary>
    /// The viewer is on this episode's care team, or supervises someone who is. Taken by episode id, not through the
    /// record's Episode navigation, which joined the episode with its own filter and ran this check twice for every
    /// response, session or alert row. The team (the viewer and their supervisees) is one uncorrelated set, so
    /// PostgreSQL finds the team's care-team rows through the staff-member index: written as "the viewer, or a
    /// supervision of this row's therapist", it read the whole care-team table instead (docs/performance.md: 56 ms
    /// a dashboard at 1.2 M responses, against 1.4 ms).
    /// </summary>
    private Expression<Func<Guid, bool>> ViewerIsOnOrSupervises => episodeId => Set<EpisodeTherapist>().Any(t =>
        t.EpisodeId == episodeId && ViewerTeamHas.Invoke(t.StaffMemberId));

    /// <summary>
    /// The staff member is on the viewer's team: the viewer, or someone the viewer supervises. The one home of "the
    /// viewer's team", for the filters, <see cref="EpisodeIdsInViewersCare"/> and <see cref="ViewerTeam"/>.
    /// </summary>
    private Expression<Func<Guid, bool>> ViewerTeamHas => staffId =>
        Set<Supervision>().Where(s => s.SupervisorId == ViewerStaffId).Select(s => s.SuperviseeId)
            .Concat(Set<StaffMember>().Where(m => m.Id == ViewerStaffId).Select(m => m.Id))
            .Contains(staffId);

    /// <summary>The viewer holds an unexpired break-glass grant for this client (<see cref="BreakGlass.OpenBreakGlass"/>).</summary>
    private Expression<Func<Guid, bool>> ViewerHoldsBreakGlassFor => clientId => BreakGlassGrants.Any(g =>
        g.StaffMemberId == ViewerStaffId && g.ClientId == clientId && g.ExpiresAt > ViewerNow);

    // Who sees which clinical records, within the practice. Tables with only a tenant filter are practice-wide
    // (staff, supervision, invitations, audit, break-glass grants, expected models): features decide who uses them.
    private void AddCareRelationshipFilters(ModelBuilder builder)
    {
        builder.Entity<Client>().HasQueryFilter(RapportFilters.CareRelationship, FilterRules.Inline<Client>(x => ViewerReadsPracticeRecords
            || ViewerIsAdmin
            || x.Id == ViewerClientId
            || x.Memberships.Any(m => ViewerIsOnOrSupervises.Invoke(m.EpisodeId))));

        builder.Entity<CareEpisode>().HasQueryFilter(RapportFilters.CareRelationship, FilterRules.Inline<CareEpisode>(x => ViewerReadsPracticeRecords
            || x.Members.Any(m => m.ClientId == ViewerClientId)
            || (ViewerIsAdmin && x.Members.Any(m => ViewerHoldsBreakGlassFor.Invoke(m.ClientId)))
            || ViewerIsOnOrSupervises.Invoke(x.Id)));

        builder.Entity<Session>().HasQueryFilter(RapportFilters.CareRelationship, FilterRules.Inline<Session>(x => ViewerReadsPracticeRecords
            || Set<EpisodeMember>().Any(m => m.EpisodeId == x.EpisodeId && m.ClientId == ViewerClientId)
            || (ViewerIsAdmin && Set<EpisodeMember>().Any(m => m.EpisodeId == x.EpisodeId && ViewerHoldsBreakGlassFor.Invoke(m.ClientId)))
            || ViewerIsOnOrSupervises.Invoke(x.EpisodeId)));

        // A member's answers are theirs and their care team's: never a partner's or a group member's.
        builder.Entity<MeasureResponse>().HasQueryFilter(RapportFilters.CareRelationship, FilterRules.Inline<MeasureResponse>(x => ViewerReadsPracticeRecords
            || x.ClientId == ViewerClientId
            || (ViewerIsAdmin && ViewerHoldsBreakGlassFor.Invoke(x.ClientId))
            || ViewerIsOnOrSupervises.Invoke(x.EpisodeId)));

        // Consent is about the client, not a clinical answer: the client, their care team and the practice admin may see it.
        builder.Entity<Consent>().HasQueryFilter(RapportFilters.CareRelationship, FilterRules.Inline<Consent>(x => ViewerReadsPracticeRecords
            || ViewerIsAdmin
            || x.ClientId == ViewerClientId
            || Set<EpisodeMember>().Any(m => m.ClientId == x.ClientId && ViewerIsOnOrSupervises.Invoke(m.EpisodeId))));

        // Transcripts are for the care team and their supervisors only: not the client portal, not the admin.
        builder.Entity<SessionTranscript>().HasQueryFilter(RapportFilters.CareRelationship, FilterRules.Inline<SessionTranscript>(x => ViewerIsSystem
            || ViewerIsOnOrSupervises.Invoke(x.EpisodeId)));

        // A half-answered questionnaire is the client's own until they submit it.
        builder.Entity<CheckInDraft>().HasQueryFilter(RapportFilters.CareRelationship, x => ViewerIsSystem || x.ClientId == ViewerClientId);

        // Like the answers it comes from: the client's own and their care team's, never a partner's; no admin.
        builder.Entity<RiskAlert>().HasQueryFilter(RapportFilters.CareRelationship, FilterRules.Inline<RiskAlert>(x => ViewerReadsPracticeRecords
            || x.ClientId == ViewerClientId
            || ViewerIsOnOrSupervises.Invoke(x.EpisodeId)));

        builder.Entity<ClientNote>().HasQueryFilter(RapportFilters.CareRelationship, FilterRules.Inline<ClientNote>(x => ViewerIsSystem
            || x.ClientId == ViewerClientId
            || ViewerIsOnOrSupervises.Invoke(x.EpisodeId)));

        // Like the client's notes: their own and their care team's, never a partner's or group member's; no admin.
        builder.Entity<ClientGoal>().HasQueryFilter(RapportFilters.CareRelationship, FilterRules.Inline<ClientGoal>(x => ViewerIsSystem
            || x.ClientId == ViewerClientId
            || ViewerIsOnOrSupervises.Invoke(x.EpisodeId)));

        // The client's own requests; the practice admin handles them (no clinical content is in them beyond the client's reason).
        builder.Entity<RightsRequest>().HasQueryFilter(RapportFilters.CareRelationship, x => ViewerIsSystem || ViewerIsAdmin || x.ClientId == ViewerClientId);

        builder.Entity<CheckInReminder>().HasQueryFilter(RapportFilters.CareRelationship, x => ViewerIsSystem || x.ClientId == ViewerClientId);

        // A testimonial is its author's and, to approve or decline it, the therapist it is about; never a colleague's or
        // the admin's (the public sees published ones only, through PublishedTestimonialsOf).
        builder.Entity<Testimonial>().HasQueryFilter(RapportFilters.CareRelationship, x => ViewerIsSystem || x.ClientId == ViewerClientId || x.StaffMemberId == ViewerStaffId);
        builder.Entity<TestimonialInvitation>().HasQueryFilter(RapportFilters.CareRelationship, x => ViewerIsSystem || x.ClientId == ViewerClientId);

        // A profile is its therapist's to write and the practice admin's to approve (the public sees approved versions
        // only, through ApprovedProfilesOf). A referral is for the practice admin and the therapist the person chose.
        builder.Entity<TherapistProfile>().HasQueryFilter(RapportFilters.CareRelationship, x => ViewerIsSystem || ViewerIsAdmin || (ViewerStaffId != null && x.StaffMemberId == ViewerStaffId));
        builder.Entity<MatchReferral>().HasQueryFilter(RapportFilters.CareRelationship, x => ViewerIsSystem || ViewerIsAdmin || (ViewerStaffId != null && x.StaffMemberId == ViewerStaffId));

        // The member it is for (who redeems it) and the staff member who made it.
        builder.Entity<InRoomPass>().HasQueryFilter(RapportFilters.CareRelationship, x => ViewerIsSystem || x.ClientId == ViewerClientId || x.StaffMemberId == ViewerStaffId);

        // An export and its files are the requesting system's own: another system of the same practice finds none.
        builder.Entity<ExportJob>().HasQueryFilter(RapportFilters.CareRelationship, x => ViewerIsSystem || x.ConnectedSystemId == ViewerConnectedSystemId);
        builder.Entity<ExportFile>().HasQueryFilter(RapportFilters.CareRelationship, x => ViewerIsSystem || x.ConnectedSystemId == ViewerConnectedSystemId);
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
