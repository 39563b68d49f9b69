using System.Reflection;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Rapport.Access;
using Rapport.Administration;
using Rapport.Alerts;
using Rapport.Audit;
using Rapport.Caseload;
using Rapport.CheckIns;
using Rapport.Clients;
using Rapport.Consents;
using Rapport.Episodes;
using Rapport.Invitations;
using Rapport.Listening;
using Rapport.Persistence;
using Rapport.Practices;
using Rapport.Rights;
using Rapport.Staff;

namespace Rapport.Tests.Audit;

/// <summary>
/// Issue 10, item 6: every feature declares its audit (as fhir-server's actions do), every stored record is audited
/// or says why not, and the reads and writes the review found untraced now leave an entry naming who and, where the
/// data concerns a client, that client (so it is in their "who has looked at my record").
/// </summary>
public sealed class DeclaredAuditTests
{
    /// <summary>A feature written without a declaration, to prove the discovery below finds such a class.</summary>
    public sealed class UndeclaredFeature(RapportDb db)
    {
        public Task<int> HandleAsync() => db.Clients.CountAsync();
    }

    // Every class that is given the database can return or change clinical data, so each must say what it audits.
    private static List<Type> Features(Assembly assembly) =>
        [.. assembly.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false }
            && !t.IsDefined(typeof(System.Runtime.CompilerServices.CompilerGeneratedAttribute))
            && t.GetConstructors().Any(c => c.GetParameters().Any(p => p.ParameterType == typeof(RapportDb) || p.ParameterType == typeof(Func<RapportDb>))))];

    private static bool Declared(Type feature) =>
        feature.IsDefined(typeof(AuditsAttribute), false) ^ feature.IsDefined(typeof(NotAuditedAttribute), false);

    [Fact]
    public void EveryFeature_DeclaresItsAudit_SoANewFeatureWithoutADeclarationFailsThisTest()
    {
        var features = Features(typeof(RapportDb).Assembly);

        // The discovery is real: it finds the application's features (42 when this test was written), and it finds
        // an undeclared one when there is one (this test assembly's UndeclaredFeature), which would fail the next line.
        Assert.True(features.Count >= 40, $"found only {features.Count} features: {string.Join(", ", features.Select(f => f.Name))}");
        Assert.Contains(typeof(GetCaseload), features);
        Assert.Contains(typeof(UndeclaredFeature), Features(typeof(DeclaredAuditTests).Assembly).Where(f => !Declared(f)));
        Assert.Empty(features.Where(f => !Declared(f)).Select(f => f.FullName));
        Assert.All(features.Select(f => f.GetCustomAttribute<NotAuditedAttribute>()?.Reason).OfType<string>(),
            reason => Assert.True(reason.Length >= 20, $"say why it is not audited: \"{reason}\""));
    }

    [Fact]
    public void TheFeaturesTheReviewFoundUntraced_DeclareTheirAudit()
    {
        Assert.Equal(AuditedAs.ClientReads, typeof(GetCaseload).GetCustomAttribute<AuditsAttribute>()!.What);
        Assert.True(typeof(ListeningReviews).GetCustomAttribute<AuditsAttribute>()!.What.HasFlag(AuditedAs.ClientReads | AuditedAs.RefusedReads));
        Assert.True(typeof(GetClientRecord).GetCustomAttribute<AuditsAttribute>()!.What.HasFlag(AuditedAs.RefusedReads));
        foreach (var writer in new[] { typeof(LeaveNote), typeof(MarkClientNotesRead), typeof(AcknowledgeRiskAlert), typeof(UploadTranscript),
            typeof(ConsentLedger), typeof(RequestErasureOrRestriction), typeof(UpdateCrisisHelp), typeof(UpdateReminderHours), typeof(InviteStaff), typeof(InviteClient) })
        {
            Assert.True(writer.GetCustomAttribute<AuditsAttribute>()?.What.HasFlag(AuditedAs.Writes), writer.Name);
        }
    }

    [Fact]
    public async Task EveryStoredRecord_IsAuditedWhenAPersonChangesIt_OrSaysWhyNot()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite, seedDemo: false);
        await using var dbScope = database.As(Viewer.System);
        var db = dbScope.Db;
        var entities = db.Model.GetEntityTypes().Where(e => !e.IsOwned() && !e.HasSharedClrType).Select(e => e.ClrType).Distinct().ToList();

        var undeclared = entities.Where(t => !AuditedRecords.AuditedTypes.Contains(t) && !AuditedRecords.NotAuditedByRow.ContainsKey(t) && !AuditedRecords.IsIdentityStore(t));

        Assert.Empty(undeclared.Select(t => t.FullName));
        Assert.Empty(AuditedRecords.AuditedTypes.Where(AuditedRecords.NotAuditedByRow.ContainsKey).Select(t => t.Name));
        Assert.True(AuditedRecords.AuditedTypes.Count >= 13);
        foreach (var type in new[] { typeof(ClientNote), typeof(RiskAlert), typeof(Consent), typeof(RightsRequest), typeof(Practice), typeof(StaffMember), typeof(Invitation) })
        {
            Assert.Contains(type, AuditedRecords.AuditedTypes);
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Dashboard_IsOneEntryNamingEveryClientShown_InEachOfTheirAccessLists_BeforeAndAfterIndexing(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var therapist = await database.ViewerForAsync(Personas.Therapist1);
        IReadOnlyList<GetCaseload.Row> rows;
        await using (var dbScope = database.As(therapist))
        {
            rows = await dbScope.Get<GetCaseload>().HandleAsync();
        }

        var shown = rows.Select(r => r.ClientId).Distinct().Order().ToList();
        Assert.True(shown.Count > 1);
        await using (var checkScope = database.As(Viewer.System))
        {
            var entry = await checkScope.Db.AuditEntries.SingleAsync(e => e.RecordType == GetCaseload.Shown);
            Assert.Equal((AuditAction.Read, therapist.UserId, therapist.PracticeId!.Value, therapist.StaffMemberId.ToString()), (entry.Action, entry.UserId, entry.PracticeId, entry.RecordId));
            Assert.Null(entry.ClientId);
            Assert.Equal(shown, AuditEntriesConcerning.Parse(entry.Subjects));
        }

        var name = await StaffNameAsync(database, Personas.Therapist1);
        var notShown = await database.ClientIdAsync(Personas.Client24);
        Assert.DoesNotContain(notShown, shown);
        // At once (read from the entry) and after the job has indexed it (read from the look-up): exactly once each time.
        for (var round = 0; round < 2; round++)
        {
            Assert.Single(await AccessListAsync(database, Personas.Client1), r => r.RecordType == GetCaseload.Shown && r.Action == AuditAction.Read && r.StaffName == name);
            Assert.Single(await AccessListAsync(database, Personas.Client2), r => r.RecordType == GetCaseload.Shown && r.StaffName == name);
            Assert.DoesNotContain(await AccessListAsync(database, Personas.Client24), r => r.RecordType == GetCaseload.Shown);
            await using var system = database.As(Viewer.System);
            var written = await system.Get<IndexAuditSubjects>().HandleAsync();
            Assert.Equal(round == 0 ? shown.Count : 0, written);
        }

        await using (var checkScope = database.As(Viewer.System))
        {
            Assert.Equal(shown, await checkScope.Db.AuditEntrySubjects.Select(s => s.ClientId).Order().ToListAsync());
            Assert.True((await checkScope.Get<VerifyAuditTrail>().HandleAsync()).Intact);
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Transcript_UploadReadAndDeletion_AreInEveryMembersAccessList(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var members = new[] { await database.ClientIdAsync(Personas.Client11), await database.ClientIdAsync(Personas.Client12) };
        foreach (var email in new[] { Personas.Client11, Personas.Client12 })
        {
            await using var ownScope = await database.As(email);
            var own = ownScope.Db;
            Assert.True((await ownScope.Get<ConsentLedger>().GiveAsync(ConsentKind.TranscriptAnalysis)).Succeeded);
        }

        Guid sessionId;
        await using (var system = database.Open(Viewer.System))
        {
            sessionId = await system.Sessions.Where(s => s.Status == Rapport.Sessions.SessionStatus.Attended && s.Episode!.Format == EpisodeFormat.Couple
                    && s.Episode.Members.Any(m => m.ClientId == members[0]))
                .OrderBy(s => s.StartsAt).Select(s => s.Id).FirstAsync();
        }

        var therapist = await database.ViewerForAsync(Personas.Therapist1);
        Guid transcriptId;
        await using (var dbScope = database.As(therapist))
        {
            var db = dbScope.Db;
            var upload = await dbScope.Get<UploadTranscript>()
                .HandleAsync(sessionId, "session.txt", new MemoryStream(Encoding.UTF8.GetBytes("Therapist: How has the week been?\nClient: Hard, honestly.\n")), null);
            Assert.True(upload.Succeeded, string.Join(";", upload.Errors.Values));
            transcriptId = upload.Value!.Id;
            Assert.NotNull(await dbScope.Get<ListeningReviews>().ReportAsync(transcriptId));
            Assert.True(await dbScope.Get<ListeningReviews>().DeleteWordsAsync(transcriptId));
        }

        await using (var checkScope = database.As(Viewer.System))
        {
            var check = checkScope.Db;
            var entries = await check.AuditEntries.Where(e => e.RecordType == nameof(SessionTranscript)).ToListAsync();
            foreach (var action in new[] { AuditAction.Create, AuditAction.Read, AuditAction.Delete })
            {
                // One entry per event, naming both partners.
                Assert.Equal(members.Order(), AuditEntriesConcerning.Parse(Assert.Single(entries, e => e.Action == action).Subjects));
            }

            Assert.All(entries, e => Assert.Equal((transcriptId.ToString(), therapist.UserId), (e.RecordId, e.UserId)));
        }

        var name = await StaffNameAsync(database, Personas.Therapist1);
        foreach (var email in new[] { Personas.Client11, Personas.Client12 })
        {
            var access = await AccessListAsync(database, email);
            Assert.Contains(access, r => r.RecordType == nameof(SessionTranscript) && r.Action == AuditAction.Read && r.StaffName == name);
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ClientNotes_RiskAcknowledgement_Consents_AndRightsRequests_AreAuditedWithActorAndClient(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var clientId = await database.ClientIdAsync(Personas.Client1);
        var client = await database.ViewerForAsync(Personas.Client1);
        await using (var dbScope = database.As(client))
        {
            var db = dbScope.Db;
            Assert.True((await dbScope.Get<LeaveNote>().HandleAsync("A note for my therapist about this week.")).Succeeded);
            Assert.True((await dbScope.Get<ConsentLedger>().GiveAsync(ConsentKind.ResearchExport)).Succeeded);
            Assert.True(await dbScope.Get<ConsentLedger>().WithdrawAsync(ConsentKind.ResearchExport));
            Assert.True((await dbScope.Get<RequestErasureOrRestriction>().HandleAsync(RightsRequestKind.Restriction, "Please pause analysis.")).Succeeded);
        }

        var therapist = await database.ViewerForAsync(Personas.Therapist1);
        Guid alertId;
        // The relationship filter leaves only the alerts of therapist1's own clients.
        await using (var ownScope = database.As(therapist))
        {
            var own = ownScope.Db;
            alertId = await own.RiskAlerts.Where(a => a.AcknowledgedAt == null).Select(a => a.Id).FirstAsync();
        }

        await using (var dbScope = database.As(therapist))
        {
            var db = dbScope.Db;
            Assert.True(await dbScope.Get<MarkClientNotesRead>().HandleAsync(clientId) > 0);
            Assert.True((await dbScope.Get<AcknowledgeRiskAlert>().HandleAsync(alertId)).Succeeded);
        }

        await using var checkScope = database.As(Viewer.System);
        var check = checkScope.Db;
        var entries = await check.AuditEntries.ToListAsync();
        void Has(AuditAction action, string type, Viewer actor, Guid? subject) =>
            Assert.Contains(entries, e => e.Action == action && e.RecordType == type && e.UserId == actor.UserId && e.ClientId == subject);
        Has(AuditAction.Create, nameof(ClientNote), client, clientId);
        Has(AuditAction.Update, nameof(ClientNote), therapist, clientId);
        Has(AuditAction.Create, nameof(Consent), client, clientId);
        Has(AuditAction.Update, nameof(Consent), client, clientId);
        Has(AuditAction.Create, nameof(RightsRequest), client, clientId);
        var alert = await check.RiskAlerts.SingleAsync(a => a.Id == alertId);
        Has(AuditAction.Update, nameof(RiskAlert), therapist, alert.ClientId);
        Assert.Contains(entries, e => e.RecordType == nameof(RiskAlert) && e.RecordId == alertId.ToString());
        Assert.True((await checkScope.Get<VerifyAuditTrail>().HandleAsync()).Intact);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task PracticeSettings_StaffAndInvitations_AreAuditedAsTheAdminsChanges(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var admin = await database.ViewerForAsync(Personas.HarbourAdmin);
        await using (var dbScope = database.As(admin))
        {
            var db = dbScope.Db;
            Assert.True((await dbScope.Get<UpdateCrisisHelp>().HandleAsync(new UpdateCrisisHelp.Form { CrisisText = "Call 999 or go to the nearest emergency department." })).Succeeded);
            var invited = await dbScope.Get<InviteStaff>()
                .HandleAsync(new InviteStaff.Form { DisplayName = "Robin New", Email = "robin.new@harbour.example" }, "http://rapport.test/invitations/");
            Assert.True(invited.Succeeded, string.Join(";", invited.Errors.Values));
        }

        await using var checkScope = database.As(Viewer.System);
        var check = checkScope.Db;
        var mine = await check.AuditEntries.Where(e => e.UserId == admin.UserId).ToListAsync();
        Assert.Contains(mine, e => e.Action == AuditAction.Update && e.RecordType == nameof(Practice) && e.RecordId == admin.PracticeId.ToString());
        Assert.Contains(mine, e => e.Action == AuditAction.Create && e.RecordType == nameof(StaffMember));
        Assert.Contains(mine, e => e.Action == AuditAction.Create && e.RecordType == nameof(Invitation));
        Assert.All(mine, e => Assert.Contains("PracticeAdmin", e.ActorRole, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task RefusedReads_EachLeaveOneEntry_WithWhoAndWhichId_ButNoClientAndNoName(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var otherTherapistsClient = await database.ClientIdAsync(Personas.Client13);
        var madeUp = Guid.CreateVersion7();
        var therapist = await database.ViewerForAsync(Personas.Therapist1);
        Guid otherEpisode;
        await using (var system = database.Open(Viewer.System))
        {
            otherEpisode = await system.EpisodeMembers.Where(m => m.ClientId == otherTherapistsClient).Select(m => m.EpisodeId).FirstAsync();
        }

        await using (var dbScope = database.As(therapist))
        {
            var db = dbScope.Db;
            Assert.Null(await dbScope.Get<GetClientRecord>().HandleAsync(otherTherapistsClient));
            Assert.Null(await dbScope.Get<GetClientRecord>().HandleAsync(madeUp));
            Assert.Null(await dbScope.Get<GetEpisodeView>().HandleAsync(otherEpisode));
            Assert.Null(await dbScope.Get<ListeningReviews>().ReportAsync(madeUp));
        }

        await using var checkScope = database.As(Viewer.System);
        var check = checkScope.Db;
        var entries = await check.AuditEntries.OrderBy(e => e.Sequence).ToListAsync();
        Assert.Equal(
            [(nameof(Client), otherTherapistsClient.ToString()), (nameof(Client), madeUp.ToString()), (nameof(CareEpisode), otherEpisode.ToString()), (nameof(SessionTranscript), madeUp.ToString())],
            entries.Select(e => (e.RecordType, e.RecordId)));
        var name = await check.Clients.Where(c => c.Id == otherTherapistsClient).Select(c => c.DisplayName).SingleAsync();
        Assert.All(entries, e =>
        {
            Assert.Equal((AuditAction.Refused, therapist.UserId, (Guid?)null, AuditTrail.RefusedReason), (e.Action, e.UserId, e.ClientId, e.Reason));
            Assert.DoesNotContain(name, e.Reason ?? "", StringComparison.Ordinal);
        });
        Assert.Empty(await AccessListAsync(database, Personas.Client13));
        Assert.True((await checkScope.Get<VerifyAuditTrail>().HandleAsync()).Intact);
    }

    private static async Task<IReadOnlyList<GetRecordAccess.Row>> AccessListAsync(TestDatabase database, string clientEmail)
    {
        await using var dbScope = await database.As(clientEmail);
        var db = dbScope.Db;
        return await dbScope.Get<GetRecordAccess>().HandleAsync() ?? [];
    }

    private static async Task<string> StaffNameAsync(TestDatabase database, string email)
    {
        await using var dbScope = database.As(Viewer.System);
        var db = dbScope.Db;
        return await db.StaffMembers.Where(s => s.Email == email).Select(s => s.DisplayName).SingleAsync();
    }
}
