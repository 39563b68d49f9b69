using Microsoft.EntityFrameworkCore;
using Rapport.Access;
using Rapport.Administration;
using Rapport.Alerts;
using Rapport.Caseload;
using Rapport.CheckIns;
using Rapport.Clinical.Instruments;
using Rapport.Persistence;

namespace Rapport.Tests.CheckIns;

/// <summary>The client's check-in and what it puts on the care team's dashboard, on SQLite and PostgreSQL alike.</summary>
public sealed class CheckInTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Client_SeesWhatIsDue_PhqAndGadBeforeTheNextSession(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var dbScope = await database.As(Personas.Client3);
        var db = dbScope.Db;

        var view = await dbScope.Get<GetCheckIn>().HandleAsync();

        Assert.NotNull(view);
        Assert.NotNull(view.Instrument);
        Assert.Equal("phq-9", view.Instrument.InstrumentId);
        Assert.Equal((1, 2), (view.Instrument.InstrumentNumber, view.Instrument.InstrumentCount));
        Assert.Equal((1, 9), (view.Instrument.Question.Number, view.Instrument.Question.Count));
        Assert.Equal(InstrumentCatalog.Get("phq-9").Items[0].Text, view.Instrument.Question.Text);
        Assert.Contains("Pfizer", view.Instrument.Copyright, StringComparison.Ordinal);
        Assert.False(view.ShowCrisisHelp);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Phq9_WithItem9Positive_StoresTheResponseAndRaisesARiskAlert(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var viewer = await database.ViewerForAsync(Personas.Client3);
        await using (var dbScope = database.As(viewer))
        {
            var db = dbScope.Db;
            var result = await AnswerPhq9Async(dbScope, item9: 1);
            Assert.True(result.Submitted);
            Assert.True(result.RiskAnswered);

            // Crisis help on the very next page, and the check-in carries on with the GAD-7.
            var next = await dbScope.Get<GetCheckIn>().HandleAsync();
            Assert.NotNull(next);
            Assert.True(next.ShowCrisisHelp);
            Assert.Equal(Rapport.Practices.Practice.DefaultCrisisText, next.CrisisText);
            Assert.Equal("gad-7", next.Instrument?.InstrumentId);
            Assert.Equal(2, next.Instrument?.InstrumentNumber);
        }

        await using var system = database.Open(Viewer.System);
        var alert = await system.RiskAlerts.SingleAsync(a => a.ClientId == viewer.ClientId);
        var response = await system.MeasureResponses.SingleAsync(r => r.Id == alert.MeasureResponseId);
        Assert.Equal(("9", 1, "Several days"), (alert.Item, alert.Value, alert.AnswerLabel));
        Assert.Equal(9, response.Total);
        Assert.False(await system.CheckInDrafts.AnyAsync(d => d.ClientId == viewer.ClientId));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task CrisisHelp_UsesThePracticesOwnWords(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using (var adminScope = await database.As(Personas.HarbourAdmin))
        {
            var admin = adminScope.Db;
            var saved = await adminScope.Get<UpdateCrisisHelp>().HandleAsync(new UpdateCrisisHelp.Form { CrisisText = "Call Harbour crisis line 0800 000 000, or 999.", OnCallEmail = "not an email" });
            Assert.True(saved.Errors.ContainsKey(nameof(UpdateCrisisHelp.Form.OnCallEmail)));
            saved = await adminScope.Get<UpdateCrisisHelp>().HandleAsync(new UpdateCrisisHelp.Form { CrisisText = "Call Harbour crisis line 0800 000 000, or 999.", OnCallEmail = "oncall@harbour.example" });
            Assert.True(saved.Succeeded);
        }

        await using var dbScope = await database.As(Personas.Client3);
        var db = dbScope.Db;
        await AnswerPhq9Async(dbScope, item9: 3);
        var view = await dbScope.Get<GetCheckIn>().HandleAsync();

        Assert.True(view!.ShowCrisisHelp);
        Assert.Equal("Call Harbour crisis line 0800 000 000, or 999.", view.CrisisText);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task OutOfRangeOrUnknownAnswer_IsRejected_AndNothingIsSaved(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var viewer = await database.ViewerForAsync(Personas.Client3);
        await using var system = database.Open(Viewer.System);
        var responsesBefore = await system.MeasureResponses.CountAsync();
        await using var dbScope = database.As(viewer);
        var db = dbScope.Db;
        var answer = dbScope.Get<AnswerQuestion>();

        var outOfRange = await answer.HandleAsync("phq-9", "1", 7);
        var unknownItem = await answer.HandleAsync("phq-9", "42", 1);
        var notDue = await answer.HandleAsync("rapport-session-check", "bond", 5);
        var empty = await answer.HandleAsync("phq-9", "1", null);

        Assert.All([outOfRange, unknownItem, notDue, empty], o => Assert.True(o.Errors.ContainsKey(AnswerQuestion.AnswerField)));
        Assert.Contains("not one of the choices", outOfRange.Errors[AnswerQuestion.AnswerField], StringComparison.Ordinal);
        Assert.False(await system.CheckInDrafts.AnyAsync());
        Assert.Equal(responsesBefore, await system.MeasureResponses.CountAsync());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Answers_AreSavedAsTheyGo_SoTheCheckInResumesWhereItStopped(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var viewer = await database.ViewerForAsync(Personas.Client3);
        await using (var dbScope = database.As(viewer))
        {
            var db = dbScope.Db;
            var answer = dbScope.Get<AnswerQuestion>();
            Assert.True((await answer.HandleAsync("phq-9", "1", 2)).Succeeded);
            Assert.True((await answer.HandleAsync("phq-9", "2", 1)).Succeeded);
        }

        await using var againScope = database.As(viewer);
        var again = againScope.Db;
        var view = await againScope.Get<GetCheckIn>().HandleAsync();
        Assert.Equal((3, "3"), (view!.Instrument!.Question.Number, view.Instrument.Question.LinkId));
        var back = await againScope.Get<GetCheckIn>().HandleAsync("1");
        Assert.Equal(2, back!.Instrument!.Question.Answer);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task LastAnswer_SentTwiceAtOnce_StoresOneResponseAndOneAlert(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var viewer = await database.ViewerForAsync(Personas.Client3);
        await using (var dbScope = database.As(viewer))
        {
            var db = dbScope.Db;
            var answer = dbScope.Get<AnswerQuestion>();
            foreach (var item in InstrumentCatalog.Get("phq-9").Items.Take(8))
            {
                Assert.True((await answer.HandleAsync("phq-9", item.LinkId, 0)).Succeeded);
            }
        }

        await using var firstScope = database.As(viewer);
        var first = firstScope.Db;
        await using var secondScope = database.As(viewer);
        var second = secondScope.Db;
        var outcomes = await Task.WhenAll(
            firstScope.Get<AnswerQuestion>().HandleAsync("phq-9", "9", 2),
            secondScope.Get<AnswerQuestion>().HandleAsync("phq-9", "9", 2));

        Assert.All(outcomes, o => Assert.True(o.Succeeded));
        await using var system = database.Open(Viewer.System);
        Assert.Equal(1, await system.MeasureResponses.CountAsync(r => r.ClientId == viewer.ClientId && r.InstrumentId == "phq-9" && r.Total == 2 && r.SubmittedAt > DateTime.UtcNow.AddMinutes(-5)));
        Assert.Equal(1, await system.RiskAlerts.CountAsync(a => a.ClientId == viewer.ClientId));
    }

    /// <summary>
    /// Issue 13 item 5: a commit whose connection dropped (a failover, a killed server) may have committed while the client
    /// saw an error; the client sends the same answers again. Nothing is stored twice and the resend succeeds.
    /// </summary>
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Answers_SentAgainAfterTheyWereStored_AreStoredOnceAndTheResendSucceeds(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var viewer = await database.ViewerForAsync(Personas.Client3);
        var items = InstrumentCatalog.Get("phq-9").Items;
        foreach (var item in items)
        {
            // Each answer twice, in separate requests, as a retry after a lost acknowledgement sends it.
            for (var attempt = 0; attempt < 2; attempt++)
            {
                await using var scope = database.As(viewer);
                Assert.True((await scope.Get<AnswerQuestion>().HandleAsync("phq-9", item.LinkId, 1)).Succeeded);
            }
        }

        await using var system = database.Open(Viewer.System);
        var stored = await system.MeasureResponses.SingleAsync(r => r.ClientId == viewer.ClientId && r.InstrumentId == "phq-9" && r.SubmittedAt > DateTime.UtcNow.AddMinutes(-5));
        Assert.Equal(items.Count, stored.Total);
        Assert.Equal(1, await system.RiskAlerts.CountAsync(a => a.MeasureResponseId == stored.Id));
        Assert.False(await system.CheckInDrafts.AnyAsync(d => d.ClientId == viewer.ClientId && d.InstrumentId == "phq-9"));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task CouplePartner_CannotSeeTheOthersAnswersAlertsNotesOrDrafts(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var partner = await database.ViewerForAsync(Personas.Client11);
        var other = await database.ViewerForAsync(Personas.Client12);
        await using (var dbScope = database.As(partner))
        {
            var db = dbScope.Db;
            Assert.NotNull(await dbScope.Get<GetCheckIn>().HandleAsync());
            await AnswerPhq9Async(dbScope, item9: 2);
            await dbScope.Get<AnswerQuestion>().HandleAsync("gad-7", "1", 1);
            Assert.True((await dbScope.Get<LeaveNote>().HandleAsync("Things at home are worse.")).Value);
        }

        await using (var dbScope = database.As(other))
        {
            var db = dbScope.Db;
            Assert.False(await db.RiskAlerts.AnyAsync());
            Assert.False(await db.ClientNotes.AnyAsync());
            Assert.False(await db.CheckInDrafts.AnyAsync());
            Assert.False(await db.MeasureResponses.AnyAsync(r => r.ClientId == partner.ClientId));
            Assert.False((await dbScope.Get<GetCheckIn>().HandleAsync())!.ShowCrisisHelp);
        }

        // The care team sees both; the practice admin sees neither.
        await using (var dbScope = await database.As(Personas.Therapist1))
        {
            var db = dbScope.Db;
            Assert.True(await db.RiskAlerts.AnyAsync(a => a.ClientId == partner.ClientId));
            Assert.True(await db.ClientNotes.AnyAsync(n => n.ClientId == partner.ClientId));
            Assert.False(await db.CheckInDrafts.AnyAsync());
        }

        await using (var dbScope = await database.As(Personas.HarbourAdmin))
        {
            var db = dbScope.Db;
            Assert.False(await db.RiskAlerts.AnyAsync());
            Assert.False(await db.ClientNotes.AnyAsync());
        }

        await using (var dbScope = await database.As(Personas.Therapist2))
        {
            var db = dbScope.Db;
            Assert.False(await db.RiskAlerts.AnyAsync(a => a.ClientId == partner.ClientId));
            Assert.False(await db.ClientNotes.AnyAsync());
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Note_LongerThanTheLimit_IsRejected(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var dbScope = await database.As(Personas.Client3);
        var db = dbScope.Db;

        var outcome = await dbScope.Get<LeaveNote>().HandleAsync(new string('a', ClientNote.MaxLength + 1));

        Assert.True(outcome.Errors.ContainsKey(LeaveNote.NoteField));
        Assert.False(await db.ClientNotes.AnyAsync());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Dashboard_PutsANewRiskAlertFirst_AndAcknowledgingItRecordsWhoAndWhen(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var client = await database.ViewerForAsync(Personas.Client3);
        await using (var dbScope = database.As(client))
        {
            var db = dbScope.Db;
            await AnswerPhq9Async(dbScope, item9: 1);
            Assert.True((await dbScope.Get<LeaveNote>().HandleAsync("I start a new job on Monday.")).Value);
        }

        var therapist = await database.ViewerForAsync(Personas.Therapist1);
        await using (var dbScope = database.As(therapist))
        {
            var db = dbScope.Db;
            var rows = await dbScope.Get<GetCaseload>().HandleAsync();
            var first = rows[0];
            Assert.Equal(client.ClientId, first.ClientId);
            Assert.Equal(AttentionKind.Risk, first.Attention[0].Kind);
            Assert.StartsWith("Risk: answered 'Several days' to PHQ-9 item 9 on ", first.Attention[0].Text, StringComparison.Ordinal);
            Assert.Contains(first.Attention, a => a.Kind == AttentionKind.ClientNote);

            // Ordered by what needs attention: every risk row before every alliance row, before every not-on-track row.
            var kinds = rows.Select(r => r.Attention.Count == 0 ? int.MaxValue : (int)r.Attention[0].Kind).ToList();
            Assert.Equal(kinds.Order(), kinds);

            var outcome = await dbScope.Get<AcknowledgeRiskAlert>().HandleAsync(first.Attention[0].RiskAlertId!.Value);
            Assert.True(outcome.Succeeded);
        }

        await using (var dbScope = database.As(Viewer.System))
        {
            var db = dbScope.Db;
            var alert = await db.RiskAlerts.SingleAsync(a => a.ClientId == client.ClientId);
            Assert.Equal(therapist.StaffMemberId, alert.AcknowledgedByStaffId);
            Assert.Equal("Sam Okafor", alert.AcknowledgedByName);
            Assert.InRange(alert.AcknowledgedAt!.Value, DateTime.UtcNow.AddMinutes(-5), DateTime.UtcNow.AddMinutes(1));
        }

        await using (var dbScope = database.As(therapist))
        {
            var db = dbScope.Db;
            var row = (await dbScope.Get<GetCaseload>().HandleAsync()).Single(r => r.ClientId == client.ClientId);
            Assert.DoesNotContain(row.Attention, a => a.Kind == AttentionKind.Risk);
            Assert.Contains("acknowledged by Sam Okafor", row.LastAcknowledgement, StringComparison.Ordinal);

            var notes = await dbScope.Get<GetClientNotes>().HandleAsync(client.ClientId!.Value);
            Assert.Equal("I start a new job on Monday.", Assert.Single(notes.Notes).Text);
            Assert.Equal(1, await dbScope.Get<MarkClientNotesRead>().HandleAsync(client.ClientId!.Value));
            row = (await dbScope.Get<GetCaseload>().HandleAsync()).Single(r => r.ClientId == client.ClientId);
            Assert.DoesNotContain(row.Attention, a => a.Kind == AttentionKind.ClientNote);
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task RiskAlert_OfAnotherCareTeam_CannotBeAcknowledged(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var system = database.Open(Viewer.System);
        var alien = await system.RiskAlerts.Where(a => a.Episode!.CareTeam.All(t => t.StaffMember!.Email != Personas.Therapist2)).Select(a => a.Id).FirstAsync();
        await using var dbScope = await database.As(Personas.Therapist2);
        var db = dbScope.Db;

        var outcome = await dbScope.Get<AcknowledgeRiskAlert>().HandleAsync(alien);

        Assert.True(outcome.NotFound);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task DemoDashboard_ShowsARiskAlert_AnAllianceConcern_AndANotOnTrackClient(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var dbScope = await database.As(Personas.Therapist1);
        var db = dbScope.Db;

        var rows = await dbScope.Get<GetCaseload>().HandleAsync();

        Assert.Equal(12, rows.Count);
        Assert.Equal(AttentionKind.Risk, rows[0].Attention[0].Kind);
        Assert.NotNull(rows[0].Attention[0].RiskAlertId);
        Assert.Contains(rows, r => r.Attention.Any(a => a.Kind == AttentionKind.Alliance));
        Assert.Contains(rows, r => r.Attention.Any(a => a.Kind == AttentionKind.NotOnTrack && a.Text.Contains("above the expected band", StringComparison.Ordinal)));
        // The couple (client11 and client12): one partner's alliance fell at the last session, the other's did not.
        var couple = rows.Where(r => r.Format == Rapport.Episodes.EpisodeFormat.Couple).ToList();
        Assert.Single(couple, r => r.Attention.Any(a => a.Text.StartsWith("Split alliance at session", StringComparison.Ordinal)));
    }

    /// <summary>Answers the PHQ-9 with 1 on items 1-8 and <paramref name="item9"/> on item 9, one question at a time.</summary>
    private static async Task<AnswerQuestion.Result> AnswerPhq9Async(PersonaScope client, int item9)
    {
        var answer = client.Get<AnswerQuestion>();
        AnswerQuestion.Result? last = null;
        foreach (var item in InstrumentCatalog.Get("phq-9").Items)
        {
            var outcome = await answer.HandleAsync("phq-9", item.LinkId, item.LinkId == "9" ? item9 : 1);
            Assert.True(outcome.Succeeded, string.Join("; ", outcome.Errors.Values));
            last = outcome.Value;
        }

        return last!;
    }
}
