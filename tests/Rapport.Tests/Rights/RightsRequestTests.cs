using Microsoft.EntityFrameworkCore;
using Rapport.Access;
using Rapport.Episodes;
using Rapport.Persistence;
using Rapport.Rights;
using Rapport.Tests.Support;

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
        await using var db = database.Open(me);

        var outcome = await new RequestErasureOrRestriction(db, TimeProvider.System).HandleAsync(RightsRequestKind.Erasure, "I want a fresh start.");

        Assert.True(outcome.Succeeded);
        Assert.Equal(RightsDecision.KeptUnderRetention, outcome.Value!.Decision);
        Assert.Contains("20 years", outcome.Value.DecisionExplanation, StringComparison.Ordinal);
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

        await using (var db = database.Open(await database.ViewerForAsync(Personas.NorthsideClient2)))
        {
            var outcome = await new RequestErasureOrRestriction(db, TimeProvider.System).HandleAsync(RightsRequestKind.Erasure, null);
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
    public async Task Restriction_IsGranted_AndStopsTranscriptAnalysis(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using (var db = database.Open(await database.ViewerForAsync(Personas.Client5)))
        {
            Assert.True((await new Rapport.Consents.ConsentLedger(db, TimeProvider.System).GiveAsync(Rapport.Consents.ConsentKind.TranscriptAnalysis)).Succeeded);
            var outcome = await new RequestErasureOrRestriction(db, TimeProvider.System).HandleAsync(RightsRequestKind.Restriction, null);
            Assert.Equal(RightsDecision.Restricted, outcome.Value!.Decision);
        }

        var clientId = await database.ClientIdAsync(Personas.Client5);
        Guid session;
        await using (var system = database.Open(Viewer.System))
        {
            session = await system.Sessions.Where(s => s.Status == Rapport.Sessions.SessionStatus.Attended && s.Attendees.Any(a => a.ClientId == clientId))
                .Select(s => s.Id).FirstAsync();
        }

        await using var therapist = database.Open(await database.ViewerForAsync(Personas.Therapist1));
        var upload = new Rapport.Listening.UploadTranscript(therapist, new Rapport.Listening.TranscriptAnalysisQueue(),
            new Rapport.Consents.ConsentLedger(therapist, TimeProvider.System), TimeProvider.System);
        var choice = await upload.SessionAsync(session);

        Assert.NotEmpty(choice!.ClientsWithoutConsent);
    }

    [Fact]
    public async Task TooLongAReason_IsRefused_AndNothingIsSaved()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var db = database.Open(await database.ViewerForAsync(Personas.Client3));

        var outcome = await new RequestErasureOrRestriction(db, TimeProvider.System).HandleAsync(RightsRequestKind.Erasure, new string('x', 2001));

        Assert.Equal("Use at most 2000 characters.", outcome.Errors["Reason"]);
        Assert.Equal(0, await db.RightsRequests.CountAsync());
    }
}
