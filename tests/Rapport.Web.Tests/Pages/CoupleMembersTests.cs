using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Rapport.CheckIns;
using Rapport.Goals;
using Rapport.Web.Tests.Api;

namespace Rapport.Web.Tests.Pages;

/// <summary>
/// A couple as each partner and their therapist meet it in the app: the care team's episode view, "what you have shared",
/// being heard, and that neither partner sees the other's answers, notes or goals on any page, API or export.
/// </summary>
public sealed partial class CoupleMembersTests(SharedApp shared) : IClassFixture<SharedApp>
{
    private const string PartnerGoal = "Partner goal 7Q3Z: stop keeping score";
    private const string PartnerNote = "Partner note 7Q3Z: I am thinking of leaving";

    private static readonly string[] ClientPages =
        ["/me", "/me/record", "/me/shared", "/me/access", "/me/consents", "/check-in", "/check-in/done", "/api/my/care", "/api/my/export", "/api/my/export/download", "/api/me"];

    [Fact]
    public async Task Partner_SeesNoneOfTheOthersAnswersNotesOrGoals_OnAnyPageApiOrExport()
    {
        var (me, partner, episode) = await CoupleAsync();
        await WriteAsync(partner, episode);
        string partnerName, partnerAnswersJson;
        await using (var db = shared.App.SystemDb())
        {
            partnerName = await db.Clients.Where(c => c.Id == partner).Select(c => c.DisplayName).SingleAsync();
            partnerAnswersJson = await db.MeasureResponses.Where(r => r.ClientId == partner).OrderBy(r => r.Id).Select(r => r.Id.ToString()).FirstAsync();
        }

        using var client = await shared.App.SignedInWithCookieAsync(Personas.Client11);
        foreach (var url in ClientPages)
        {
            using var response = await client.GetAsync(new Uri(url, UriKind.Relative));
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {response.StatusCode}");
            Assert.DoesNotContain("7Q3Z", text, StringComparison.Ordinal);
            Assert.DoesNotContain(partnerName, text, StringComparison.Ordinal);
            Assert.DoesNotContain(partner.ToString(), text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(partnerAnswersJson, text, StringComparison.OrdinalIgnoreCase);
        }

        // The partner's own copy does hold their words: the test would see a leak if there were one.
        using var other = await shared.App.SignedInWithCookieAsync(Personas.Client12);
        var own = await other.GetStringAsync(new Uri("/api/my/export/download", UriKind.Relative));
        Assert.Contains(PartnerGoal, own, StringComparison.Ordinal);
        Assert.Contains(PartnerNote, own, StringComparison.Ordinal);
        Assert.Contains(PartnerGoal, await other.GetStringAsync(new Uri("/me/shared", UriKind.Relative)), StringComparison.Ordinal);
        _ = me;
    }

    [Fact]
    public async Task Client_CanNeverOpenTheEpisodeView_NotEvenTheirOwnCouples()
    {
        var (_, _, episode) = await CoupleAsync();
        foreach (var email in new[] { Personas.Client11, Personas.Client12, Personas.Client35 })
        {
            using var client = await shared.App.SignedInWithCookieAsync(email);
            using var response = await client.GetAsync(new Uri($"/episodes/{episode}", UriKind.Relative));
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }
    }

    [Fact]
    public async Task CareTeam_SeesBothPartnersAndTheSplit_AnotherTherapistGets404()
    {
        var (_, partner, episode) = await CoupleAsync();
        await WriteAsync(partner, episode);
        using var therapist = await shared.App.SignedInWithCookieAsync(Personas.Therapist1);
        using var other = await shared.App.SignedInWithCookieAsync(Personas.Therapist2);

        var page = await therapist.GetStringAsync(new Uri($"/episodes/{episode}", UriKind.Relative));
        using var denied = await other.GetAsync(new Uri($"/episodes/{episode}", UriKind.Relative));

        await using var db = shared.App.SystemDb();
        var names = await db.EpisodeMembers.Where(m => m.EpisodeId == episode).Select(m => m.Client!.DisplayName).ToListAsync();
        Assert.All(names, n => Assert.Contains(WebUtility.HtmlEncode(n), page, StringComparison.Ordinal));
        Assert.Contains("more than the reliable change of", page, StringComparison.Ordinal);
        Assert.Contains(WebUtility.HtmlEncode(PartnerGoal), page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, denied.StatusCode);

        // And the client page links to it.
        var record = await therapist.GetStringAsync(new Uri($"/clients/{partner}", UriKind.Relative));
        Assert.Contains($"href=\"episodes/{episode}\"", record, StringComparison.Ordinal);
        Assert.Contains("Preferences (C-NIP)", record, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientNote_NotYetRead_ThenTheTherapistMarksItRead_AndTheClientSeesTheyWereHeard()
    {
        var client3 = await shared.App.ClientIdAsync(Personas.Client3);
        await using (var db = shared.App.SystemDb())
        {
            var episode = await db.EpisodeMembers.Where(m => m.ClientId == client3 && m.Episode!.Status != Rapport.Episodes.EpisodeStatus.Ended).Select(m => m.Episode!).FirstAsync();
            db.ClientNotes.Add(new ClientNote { PracticeId = episode.PracticeId, EpisodeId = episode.Id, ClientId = client3, Text = "Work has been awful this week.", WrittenAt = DateTime.UtcNow });
            await db.SaveChangesAsync();
        }

        using var client = await shared.App.SignedInWithCookieAsync(Personas.Client3);
        var before = await client.GetStringAsync(new Uri("/me/shared", UriKind.Relative));
        Assert.Contains("Work has been awful this week.", before, StringComparison.Ordinal);
        Assert.Contains("Not read yet", before, StringComparison.Ordinal);
        Assert.DoesNotContain("Your therapist has read this", before, StringComparison.Ordinal);

        using var therapist = await shared.App.SignedInWithCookieAsync(Personas.Therapist1);
        var form = await therapist.GetStringAsync(new Uri($"/clients/{client3}", UriKind.Relative));
        using var content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = AntiforgeryToken().Match(form).Groups[1].Value,
            ["_handler"] = "notes-read",
            ["NotesRead.Confirm"] = "true",
        });
        using var posted = await therapist.PostAsync(new Uri($"/clients/{client3}", UriKind.Relative), content);
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);

        var after = await client.GetStringAsync(new Uri("/me/shared", UriKind.Relative));
        Assert.Contains("Your therapist has read this", after, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_AddsAGoalOnTheSharedPage_AndATooLongOneChangesNothing()
    {
        var client4 = await shared.App.ClientIdAsync(Personas.Client4);
        using var client = await shared.App.SignedInWithCookieAsync(Personas.Client4);

        async Task<HttpResponseMessage> AddAsync(string text)
        {
            var page = await client.GetStringAsync(new Uri("/me/shared", UriKind.Relative));
            using var content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = AntiforgeryToken().Match(page).Groups[1].Value,
                ["_handler"] = "goal-add",
                ["Add.Text"] = text,
            });
            return await client.PostAsync(new Uri("/me/shared", UriKind.Relative), content);
        }

        using var tooLong = await AddAsync(new string('a', ClientGoal.MaxLength + 5));
        Assert.Contains($"Please keep your goal to {ClientGoal.MaxLength} characters", await tooLong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await using (var db = shared.App.SystemDb())
        {
            Assert.False(await db.ClientGoals.AnyAsync(g => g.ClientId == client4));
        }

        using var good = await AddAsync("Ring my sister every Sunday");
        Assert.True(good.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.OK, good.StatusCode.ToString());
        Assert.Contains("Ring my sister every Sunday", await client.GetStringAsync(new Uri("/me/shared", UriKind.Relative)), StringComparison.Ordinal);

        Guid goalId;
        await using (var db = shared.App.SystemDb())
        {
            goalId = await db.ClientGoals.Where(g => g.ClientId == client4).Select(g => g.Id).SingleAsync();
        }

        async Task<HttpResponseMessage> EditAsync(string text, string status)
        {
            var page = await client.GetStringAsync(new Uri("/me/shared", UriKind.Relative));
            using var content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = AntiforgeryToken().Match(page).Groups[1].Value,
                ["_handler"] = "goals-edit",
                ["Edit.Goals[0].Id"] = goalId.ToString(),
                ["Edit.Goals[0].Text"] = text,
                ["Edit.Goals[0].Status"] = status,
            });
            return await client.PostAsync(new Uri("/me/shared", UriKind.Relative), content);
        }

        using var emptied = await EditAsync("  ", "Achieved");
        Assert.Contains("Please write your goal in a few words.", await emptied.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await using (var db = shared.App.SystemDb())
        {
            Assert.Equal(GoalStatus.WorkingOnIt, (await db.ClientGoals.SingleAsync(g => g.Id == goalId)).Status);
        }

        using var achieved = await EditAsync("Ring my sister on Sundays", "Achieved");
        Assert.Equal(HttpStatusCode.Redirect, achieved.StatusCode);
        await using (var db = shared.App.SystemDb())
        {
            var goal = await db.ClientGoals.SingleAsync(g => g.Id == goalId);
            Assert.Equal(("Ring my sister on Sundays", GoalStatus.Achieved), (goal.Text, goal.Status));
            Assert.NotNull(goal.ClosedAt);
        }
    }

    [Fact]
    public async Task GoalsForm_WithACraftedStatusOnALaterGoal_SavesNoGoal_AndShowsTheError()
    {
        var client5 = await shared.App.ClientIdAsync(Personas.Client5);
        using var client = await shared.App.SignedInWithCookieAsync(Personas.Client5);

        async Task<HttpResponseMessage> PostAsync(Dictionary<string, string> fields)
        {
            var page = await client.GetStringAsync(new Uri("/me/shared", UriKind.Relative));
            fields["__RequestVerificationToken"] = AntiforgeryToken().Match(page).Groups[1].Value;
            using var content = new FormUrlEncodedContent(fields);
            return await client.PostAsync(new Uri("/me/shared", UriKind.Relative), content);
        }

        foreach (var text in new[] { "Walk the dog every morning", "Call a friend on Fridays" })
        {
            using var added = await PostAsync(new() { ["_handler"] = "goal-add", ["Add.Text"] = text });
            Assert.True(added.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.OK, added.StatusCode.ToString());
        }

        List<ClientGoal> before;
        await using (var db = shared.App.SystemDb())
        {
            before = await db.ClientGoals.AsNoTracking().Where(g => g.ClientId == client5).OrderBy(g => g.SetAt).ToListAsync();
        }

        Assert.Equal(2, before.Count);
        using var crafted = await PostAsync(new()
        {
            ["_handler"] = "goals-edit",
            ["Edit.Goals[0].Id"] = before[0].Id.ToString(),
            ["Edit.Goals[0].Text"] = "Walk the dog",
            ["Edit.Goals[0].Status"] = "Achieved",
            ["Edit.Goals[1].Id"] = before[1].Id.ToString(),
            ["Edit.Goals[1].Text"] = before[1].Text,
            ["Edit.Goals[1].Status"] = "99",
        });

        Assert.Equal(HttpStatusCode.OK, crafted.StatusCode);
        Assert.Contains("id=\"GoalStatus-1-error\"", await crafted.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await using (var db = shared.App.SystemDb())
        {
            var after = await db.ClientGoals.AsNoTracking().Where(g => g.ClientId == client5).OrderBy(g => g.SetAt).ToListAsync();
            Assert.Equal(before.Select(g => (g.Text, g.Status)), after.Select(g => (g.Text, g.Status)));
        }
    }

    [Fact]
    public async Task GoalsForm_WithAnUnknownOrEmptyStatus_SavesNoGoal_AndAnUnchangedFormNeverReopensAnAchievedGoal()
    {
        var client7 = await shared.App.ClientIdAsync(Personas.Client7);
        await using (var db = shared.App.SystemDb())
        {
            // A clean slate, so the demo's goals neither reach the five-open limit nor shift the form's rows.
            db.ClientGoals.RemoveRange(await db.ClientGoals.Where(g => g.ClientId == client7).ToListAsync());
            await db.SaveChangesAsync();
        }

        using var client = await shared.App.SignedInWithCookieAsync(Personas.Client7);

        async Task<HttpResponseMessage> PostAsync(Dictionary<string, string> fields)
        {
            var page = await client.GetStringAsync(new Uri("/me/shared", UriKind.Relative));
            fields["__RequestVerificationToken"] = AntiforgeryToken().Match(page).Groups[1].Value;
            using var content = new FormUrlEncodedContent(fields);
            return await client.PostAsync(new Uri("/me/shared", UriKind.Relative), content);
        }

        foreach (var text in new[] { "Sleep through the night", "Say no once a week", "Cook on Sundays" })
        {
            using var added = await PostAsync(new() { ["_handler"] = "goal-add", ["Add.Text"] = text });
            Assert.True(added.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.OK, added.StatusCode.ToString());
        }

        List<ClientGoal> goals;
        await using (var db = shared.App.SystemDb())
        {
            goals = await db.ClientGoals.AsNoTracking().Where(g => g.ClientId == client7).OrderBy(g => g.SetAt).ToListAsync();
        }

        Dictionary<string, string> Form(string first, string second, string third) => new()
        {
            ["_handler"] = "goals-edit",
            ["Edit.Goals[0].Id"] = goals[0].Id.ToString(),
            ["Edit.Goals[0].Text"] = goals[0].Text,
            ["Edit.Goals[0].Status"] = first,
            ["Edit.Goals[1].Id"] = goals[1].Id.ToString(),
            ["Edit.Goals[1].Text"] = goals[1].Text,
            ["Edit.Goals[1].Status"] = second,
            ["Edit.Goals[2].Id"] = goals[2].Id.ToString(),
            ["Edit.Goals[2].Text"] = goals[2].Text,
            ["Edit.Goals[2].Status"] = third,
        };

        async Task<GoalStatus[]> StoredAsync()
        {
            await using var db = shared.App.SystemDb();
            return [.. (await db.ClientGoals.AsNoTracking().Where(g => g.ClientId == client7).OrderBy(g => g.SetAt).ToListAsync()).Select(g => g.Status)];
        }

        using (var achieved = await PostAsync(Form("Achieved", "WorkingOnIt", "WorkingOnIt")))
        {
            Assert.True(achieved.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.OK, achieved.StatusCode.ToString());
        }

        Assert.Equal([GoalStatus.Achieved, GoalStatus.WorkingOnIt, GoalStatus.WorkingOnIt], await StoredAsync());

        // A status that is not one, or none at all, on one goal: nothing is saved (not the first goal's drop either),
        // the error is next to that goal, and the achieved goal is not reopened.
        foreach (var (bad, index) in new[] { ("Bogus", 1), ("", 2) })
        {
            using var crafted = await PostAsync(index == 1 ? Form("Dropped", bad, "WorkingOnIt") : Form("Dropped", "WorkingOnIt", bad));
            Assert.Equal(HttpStatusCode.OK, crafted.StatusCode);
            Assert.Contains($"id=\"GoalStatus-{index}-error\"", await crafted.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Equal([GoalStatus.Achieved, GoalStatus.WorkingOnIt, GoalStatus.WorkingOnIt], await StoredAsync());
        }

        // The form as the page renders it, sent back unchanged, keeps the achieved goal achieved.
        var rendered = await client.GetStringAsync(new Uri("/me/shared", UriKind.Relative));
        Assert.Contains("Work on it again", rendered, StringComparison.Ordinal);
        using (var unchanged = await PostAsync(Form("Achieved", "WorkingOnIt", "WorkingOnIt")))
        {
            Assert.True(unchanged.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.OK, unchanged.StatusCode.ToString());
        }

        Assert.Equal([GoalStatus.Achieved, GoalStatus.WorkingOnIt, GoalStatus.WorkingOnIt], await StoredAsync());
    }

    [Fact]
    public async Task CheckInEnd_WithATooLongGoal_StoresNeitherGoalNorNote_AndAGoodOneStoresBoth()
    {
        // Everything due answered just now, so client6's check-in is at its last step: the note and the goal.
        var client6 = await shared.App.ClientIdAsync(Personas.Client6);
        await using (var db = shared.App.SystemDb())
        {
            var episode = await db.Episodes.Where(e => e.Status != Rapport.Episodes.EpisodeStatus.Ended && e.Members.Any(m => m.ClientId == client6)).SingleAsync();
            foreach (var instrument in new[] { "phq-9", "gad-7", "rapport-session-check" })
            {
                db.MeasureResponses.Add(new Rapport.Measures.MeasureResponse { PracticeId = episode.PracticeId, EpisodeId = episode.Id, ClientId = client6, InstrumentId = instrument, SubmittedAt = DateTime.UtcNow, AnswersJson = "{}" });
            }

            await db.SaveChangesAsync();
        }

        using var client = await shared.App.SignedInWithCookieAsync(Personas.Client6);
        async Task<HttpResponseMessage> FinishAsync(string note, string goal)
        {
            var page = await client.GetStringAsync(new Uri("/check-in", UriKind.Relative));
            Assert.Contains("Finish check-in", page, StringComparison.Ordinal);
            using var content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = AntiforgeryToken().Match(page).Groups[1].Value,
                ["_handler"] = "check-in-note",
                ["Note.Text"] = note,
                ["Note.Goal"] = goal,
            });
            return await client.PostAsync(new Uri("/check-in", UriKind.Relative), content);
        }

        using var bad = await FinishAsync("Tired this week.", new string('g', ClientGoal.MaxLength + 1));
        Assert.Contains($"Please keep your goal to {ClientGoal.MaxLength} characters", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await using (var db = shared.App.SystemDb())
        {
            Assert.False(await db.ClientNotes.AnyAsync(n => n.ClientId == client6));
            Assert.False(await db.ClientGoals.AnyAsync(g => g.ClientId == client6));
        }

        using var good = await FinishAsync("Tired this week.", "Keep my evenings free for myself");
        Assert.Equal(HttpStatusCode.Redirect, good.StatusCode);
        await using (var db = shared.App.SystemDb())
        {
            Assert.True(await db.ClientNotes.AnyAsync(n => n.ClientId == client6));
            Assert.Contains(await db.ClientGoals.Where(g => g.ClientId == client6).Select(g => g.Text).ToListAsync(), t => t == "Keep my evenings free for myself");
        }
    }

    [Fact]
    public async Task ClientPage_ForACouple_ReadsAsSentences_WithCountsInWords()
    {
        var (me, _, _) = await CoupleAsync();
        using var therapist = await shared.App.SignedInWithCookieAsync(Personas.Therapist1);

        var html = await therapist.GetStringAsync(new Uri($"/clients/{me}", UriKind.Relative));
        var text = WebUtility.HtmlDecode(Regex.Replace(html, "<[^>]+>", string.Empty));

        Assert.Contains("1 episode with this practice", text, StringComparison.Ordinal);
        Assert.Contains("1 other member, each rating separately · See all members", text, StringComparison.Ordinal);
        Assert.DoesNotContain("separatelySee", text, StringComparison.Ordinal);
        Assert.DoesNotContain("(s)", text, StringComparison.Ordinal);
    }

    private async Task<(Guid Me, Guid Partner, Guid Episode)> CoupleAsync()
    {
        var me = await shared.App.ClientIdAsync(Personas.Client11);
        var partner = await shared.App.ClientIdAsync(Personas.Client12);
        await using var db = shared.App.SystemDb();
        var episode = await db.EpisodeMembers.Where(m => m.ClientId == me).Select(m => m.EpisodeId).SingleAsync();
        return (me, partner, episode);
    }

    private async Task WriteAsync(Guid partner, Guid episode)
    {
        await using var db = shared.App.SystemDb();
        if (await db.ClientNotes.AnyAsync(n => n.ClientId == partner))
        {
            return;
        }

        var practice = await db.Episodes.Where(e => e.Id == episode).Select(e => e.PracticeId).SingleAsync();
        db.ClientNotes.Add(new ClientNote { PracticeId = practice, EpisodeId = episode, ClientId = partner, Text = PartnerNote, WrittenAt = DateTime.UtcNow });
        db.ClientGoals.Add(new ClientGoal { PracticeId = practice, EpisodeId = episode, ClientId = partner, Text = PartnerGoal, SetAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow });
        await db.SaveChangesAsync();
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
