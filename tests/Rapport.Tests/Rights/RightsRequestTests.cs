using Microsoft.EntityFrameworkCore;
using Rapport.Access;
using Rapport.Episodes;
using Rapport.Persistence;
using Rapport.Rights;

namespace Rapport.Tests.Rights;

/// <summary>GDPR Art. 17 and 18 against the practice's retention rule: decided at once, recorded with the reason.</summary>
public sealed class RightsRequestTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ErasureWhileInCare_IsKeptUnderRetention_WithTheDateAndRestrictedProcessing(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var me = await database.ViewerForAsync(Personas.Client1);
        await using var dbScope = database.As(me);
        var db = dbScope.Db;

        var outcome = await dbScope.Get<RequestErasureOrRestriction>().HandleAsync(RightsRequestKind.Erasure, "I want a fresh start.");

        Assert.True(outcome.Succeeded);
        Assert.Equal(RightsDecision.KeptUnderRetention, outcome.Value!.Decision);
        Assert.Contains("20 years", outcome.Value.Explanation, StringComparison.Ordinal);
        Assert.True(outcome.Value.RetainUntil > DateOnly.FromDateTime(DateTime.UtcNow.AddYears(19)));
        await using var check = database.Open(Viewer.System);
        Assert.True((await check.Clients.SingleAsync(c => c.Id == me.ClientId)).ProcessingRestricted);
        Assert.True(await check.MeasureResponses.AnyAsync(r => r.ClientId == me.ClientId));
        Assert.Equal("I want a fresh start.", (await check.RightsRequests.SingleAsync()).Reason);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ErasureAfterTheRetentionPeriod_ErasesAnswersNotesAndSignIn_AndKeepsTheDecision(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var clientId = await database.ClientIdAsync(Personas.NorthsideClient2);
        await using (var system = database.Open(Viewer.System))
        {
            // Care ended three years ago; this practice keeps records for one year after the last contact.
            var practice = await system.Practices.SingleAsync(p => p.Slug == "northside");
            practice.RetentionYears = 1;
            var episodes = await system.Episodes.Include(e => e.Sessions).Where(e => e.Members.Any(m => m.ClientId == clientId)).ToListAsync();
            foreach (var episode in episodes)
            {
                episode.Status = EpisodeStatus.Ended;
                episode.StartedOn = episode.StartedOn.AddYears(-3);
                episode.EndedOn = DateOnly.FromDateTime(DateTime.UtcNow.AddYears(-3));
                episode.Sessions.ForEach(s => s.StartsAt = s.StartsAt.AddYears(-3));
            }

            await system.SaveChangesAsync();
        }

        await using (var dbScope = await database.As(Personas.NorthsideClient2))
        {
            var db = dbScope.Db;
            var outcome = await dbScope.Get<RequestErasureOrRestriction>().HandleAsync(RightsRequestKind.Erasure, null);
            Assert.Equal(RightsDecision.Erased, outcome.Value!.Decision);
        }

        await using var check = database.Open(Viewer.System);
        var client = await check.Clients.SingleAsync(c => c.Id == clientId);
        Assert.Equal("Erased client", client.DisplayName);
        Assert.Null(client.Email);
        Assert.NotNull(client.ErasedAt);
        Assert.False(await check.MeasureResponses.AnyAsync(r => r.ClientId == clientId));
        Assert.False(await check.RiskAlerts.AnyAsync(r => r.ClientId == clientId));
        Assert.False(await check.Users.AnyAsync(u => u.ClientId == clientId));
        Assert.Equal(RightsDecision.Erased, (await check.RightsRequests.SingleAsync(r => r.ClientId == clientId)).Decision);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ErasureOfOneCoupleMember_LeavesNothingOfThemInAnyTable_KeepsThePartnersData_AndTheAuditTrailVerifies(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var me = await database.ClientIdAsync(Personas.Client11);
        var partner = await database.ClientIdAsync(Personas.Client12);
        var meViewer = await database.ViewerForAsync(Personas.Client11);
        string myName, myEmail = Personas.Client11, partnerName;
        Guid couple, transcriptId;
        int partnerAnswers;

        // The person's own actions leave audit entries (goals are audited writes), their words in a request and consents.
        await using (var dbScope = database.As(meViewer))
        {
            var db = dbScope.Db;
            Assert.True((await dbScope.Get<Rapport.Goals.SetGoal>().HandleAsync("GOAL-4TQ1 sleep without the radio on")).Succeeded);
            Assert.True((await dbScope.Get<Rapport.Consents.ConsentLedger>().GiveAsync(Rapport.Consents.ConsentKind.TranscriptAnalysis)).Succeeded);
            Assert.True((await dbScope.Get<RequestErasureOrRestriction>().HandleAsync(RightsRequestKind.Restriction, "WHY-4TQ1 my ex works at the practice")).Succeeded);
        }

        await using (var system = database.Open(Viewer.System))
        {
            myName = await system.Clients.Where(c => c.Id == me).Select(c => c.DisplayName).SingleAsync();
            partnerName = await system.Clients.Where(c => c.Id == partner).Select(c => c.DisplayName).SingleAsync();
            var coupleEpisode = await system.Episodes.Include(e => e.Sessions).Include(e => e.CareTeam)
                .SingleAsync(e => e.Members.Any(m => m.ClientId == me) && e.Members.Any(m => m.ClientId == partner));
            couple = coupleEpisode.Id;
            var session = coupleEpisode.Sessions.First(s => s.Status == Rapport.Sessions.SessionStatus.Attended);
            var therapist = coupleEpisode.CareTeam.First().StaffMemberId;
            var practiceId = coupleEpisode.PracticeId;
            var myFirst = myName.Split(' ')[0];
            var partnerFirst = partnerName.Split(' ')[0];
            system.ClientNotes.Add(new Rapport.CheckIns.ClientNote { PracticeId = practiceId, EpisodeId = couple, ClientId = me, Text = $"NOTE-4TQ1 from {myName}", WrittenAt = DateTime.UtcNow });
            system.ClientNotes.Add(new Rapport.CheckIns.ClientNote { PracticeId = practiceId, EpisodeId = couple, ClientId = partner, Text = "PARTNER-6HV2 note", WrittenAt = DateTime.UtcNow });
            system.ClientGoals.Add(new Rapport.Goals.ClientGoal { PracticeId = practiceId, EpisodeId = couple, ClientId = partner, Text = "PARTNER-6HV2 goal", SetAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow });
            system.InRoomPasses.Add(new Rapport.InRoom.InRoomPass { PracticeId = practiceId, EpisodeId = couple, ClientId = me, StaffMemberId = therapist, TokenHash = new string('a', 64), CreatedAt = DateTime.UtcNow, ExpiresAt = DateTime.UtcNow.AddMinutes(15) });
            system.CheckInReminders.Add(new Rapport.Reminders.CheckInReminder { PracticeId = practiceId, ClientId = me, EpisodeId = couple, DueFor = session.Id, SentAt = DateTime.UtcNow });
            system.Invitations.Add(new Rapport.Invitations.Invitation { PracticeId = practiceId, Kind = Rapport.Invitations.InvitationKind.Client, Email = myEmail, TokenHash = new string('b', 64), ClientId = me, EpisodeId = couple, InvitedByUserId = "x", CreatedAt = DateTime.UtcNow, ExpiresAt = DateTime.UtcNow.AddDays(7) });
            var transcript = new Rapport.Listening.SessionTranscript
            {
                PracticeId = practiceId,
                EpisodeId = couple,
                SessionId = session.Id,
                TherapistId = therapist,
                FileName = $"{myFirst}-and-{partnerFirst}.txt",
                Format = "text",
                Status = Rapport.Listening.TranscriptStatus.Analysed,
                UploadedAt = DateTime.UtcNow,
                Content = $"Therapist: How was the week?\n{myFirst}: It was hard.\n{partnerFirst}: PARTNER-6HV2 I tried to listen to {myFirst}.",
                ReportJson = $$"""{"utterances":[{"speaker":"{{myFirst}}","text":"It was hard."},{"speaker":"{{partnerFirst}}","text":"PARTNER-6HV2"}]}""",
            };
            system.SessionTranscripts.Add(transcript);
            transcriptId = transcript.Id;

            // Care ended three years ago; this practice keeps records for one year after the last contact.
            (await system.Practices.SingleAsync(p => p.Id == practiceId)).RetentionYears = 1;
            foreach (var episode in await system.Episodes.Include(e => e.Sessions).Where(e => e.Members.Any(m => m.ClientId == me || m.ClientId == partner)).ToListAsync())
            {
                episode.Status = EpisodeStatus.Ended;
                episode.StartedOn = episode.StartedOn.AddYears(-3);
                episode.EndedOn = DateOnly.FromDateTime(DateTime.UtcNow.AddYears(-3));
                episode.Sessions.ForEach(s => s.StartsAt = s.StartsAt.AddYears(-3));
            }

            await system.SaveChangesAsync();
            partnerAnswers = await system.MeasureResponses.CountAsync(r => r.ClientId == partner);
        }

        await using (var dbScope = database.As(meViewer))
        {
            var db = dbScope.Db;
            var outcome = await dbScope.Get<RequestErasureOrRestriction>().HandleAsync(RightsRequestKind.Erasure, $"WHY-4TQ1 please, {myName}");
            Assert.Equal(RightsDecision.Erased, outcome.Value!.Decision);
        }

        // Every column of every table, decrypted where encrypted: nothing of the person is left.
        var hits = await ScanEveryTableAsync(database, [myName, myEmail, "NOTE-4TQ1", "GOAL-4TQ1", "WHY-4TQ1"]);
        Assert.Empty(hits);

        await using var check = database.Open(Viewer.System);
        Assert.False(await check.ClientGoals.AnyAsync(g => g.ClientId == me));
        Assert.False(await check.Consents.AnyAsync(c => c.ClientId == me));
        Assert.False(await check.InRoomPasses.AnyAsync(p => p.ClientId == me));
        Assert.False(await check.CheckInReminders.AnyAsync(r => r.ClientId == me));
        Assert.All(await check.RightsRequests.Where(r => r.ClientId == me).ToListAsync(), r => Assert.Null(r.Reason));
        Assert.Contains(await check.AuditEntries.Where(a => a.ClientId == me).ToListAsync(), a => a.ActorRole == Rapport.Audit.AuditEntry.ClientRole);

        // The partner's own data is untouched, and the shared transcript is kept for them with the erased member's name replaced.
        Assert.Equal(partnerAnswers, await check.MeasureResponses.CountAsync(r => r.ClientId == partner));
        Assert.Equal(partnerName, await check.Clients.Where(c => c.Id == partner).Select(c => c.DisplayName).SingleAsync());
        Assert.Contains(await check.ClientNotes.Where(n => n.ClientId == partner).ToListAsync(), n => n.Text == "PARTNER-6HV2 note");
        Assert.Contains(await check.ClientGoals.Where(g => g.ClientId == partner).ToListAsync(), g => g.Text == "PARTNER-6HV2 goal");
        var kept = await check.SessionTranscripts.SingleAsync(t => t.Id == transcriptId);
        Assert.Equal(Rapport.Listening.TranscriptStatus.Analysed, kept.Status);
        Assert.Contains("PARTNER-6HV2", kept.Content, StringComparison.Ordinal);
        Assert.Contains($"{RequestErasureOrRestriction.ErasedMemberLabel}: It was hard.", kept.Content, StringComparison.Ordinal);
        Assert.DoesNotContain(myName.Split(' ')[0], kept.Content + kept.ReportJson + kept.FileName, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("PARTNER-6HV2", kept.ReportJson, StringComparison.Ordinal);
        Assert.True(await check.EpisodeMembers.AnyAsync(m => m.EpisodeId == couple && m.ClientId == partner));

        // The hash-chained trail is untouched by the erasure, so it still verifies.
        Assert.True((await new Rapport.Audit.VerifyAuditTrail(check).HandleAsync()).Intact);
    }

    private static async Task<List<string>> ScanEveryTableAsync(TestDatabase database, string[] needles)
    {
        await using var dbScope = database.As(Viewer.System);
        var db = dbScope.Db;
        var ring = Microsoft.EntityFrameworkCore.Infrastructure.AccessorExtensions.GetService<Microsoft.EntityFrameworkCore.Infrastructure.IDbContextOptions>(db)
            .FindExtension<Rapport.Privacy.FieldEncryptionOptions>()!.Ring;
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        var hits = new List<string>();
        foreach (var entity in db.Model.GetEntityTypes())
        {
            if (entity.GetTableName() is not { } table)
            {
                continue;
            }

            var encrypted = entity.GetProperties()
                .Where(p => p.PropertyInfo?.IsDefined(typeof(Rapport.Privacy.EncryptedAttribute), inherit: true) == true)
                .ToDictionary(p => p.GetColumnName(), p => $"{entity.ClrType.Name}.{p.Name}");
            await using var command = connection.CreateCommand();
            command.CommandText = $"""SELECT * FROM "{table}" """;
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    if (reader.IsDBNull(i))
                    {
                        continue;
                    }

                    var value = Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture) ?? "";
                    if (encrypted.TryGetValue(reader.GetName(i), out var field) && value.StartsWith(Rapport.Privacy.FieldEncryption.Prefix, StringComparison.Ordinal))
                    {
                        value = Rapport.Privacy.FieldEncryption.Unprotect(ring, field, value);
                    }

                    hits.AddRange(needles.Where(n => value.Contains(n, StringComparison.OrdinalIgnoreCase)).Select(n => $"{table}.{reader.GetName(i)} holds {n}"));
                }
            }
        }

        return hits;
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Restriction_IsGranted_AndStopsTranscriptAnalysis(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using (var dbScope = await database.As(Personas.Client5))
        {
            var db = dbScope.Db;
            Assert.True((await dbScope.Get<Rapport.Consents.ConsentLedger>().GiveAsync(Rapport.Consents.ConsentKind.TranscriptAnalysis)).Succeeded);
            var outcome = await dbScope.Get<RequestErasureOrRestriction>().HandleAsync(RightsRequestKind.Restriction, null);
            Assert.Equal(RightsDecision.Restricted, outcome.Value!.Decision);
        }

        var clientId = await database.ClientIdAsync(Personas.Client5);
        Guid session;
        await using (var system = database.Open(Viewer.System))
        {
            session = await system.Sessions.Where(s => s.Status == Rapport.Sessions.SessionStatus.Attended && s.Attendees.Any(a => a.ClientId == clientId))
                .Select(s => s.Id).FirstAsync();
        }

        await using var therapist = await database.As(Personas.Therapist1);
        var upload = therapist.Get<Rapport.Listening.UploadTranscript>();
        var choice = await upload.SessionAsync(session);

        Assert.NotEmpty(choice!.ClientsWithoutConsent);
    }

    [Fact]
    public async Task TooLongAReason_IsRefused_AndNothingIsSaved()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var dbScope = await database.As(Personas.Client3);
        var db = dbScope.Db;

        var outcome = await dbScope.Get<RequestErasureOrRestriction>().HandleAsync(RightsRequestKind.Erasure, new string('x', 2001));

        Assert.Equal("Use at most 2000 characters.", outcome.Errors["Reason"]);
        Assert.Equal(0, await db.RightsRequests.CountAsync());
    }
}
