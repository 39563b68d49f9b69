using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Rapport.Audit;
using Rapport.Clinical.Instruments;
using Rapport.Measures;
using Rapport.Web.Tests.Api;

namespace Rapport.Web.Tests.Pages;

/// <summary>The charts and their tables on the therapist's client page, the printable report and the client's My progress.</summary>
public sealed partial class ProgressPageTests(SharedApp shared) : IClassFixture<SharedApp>
{
    // One row of a chart's table: check-in number, date, session, score.
    [GeneratedRegex("""<tr>\s*<th scope="row">(\d+)</th>\s*<td><time[^>]*>[^<]*</time></td>\s*<td>\d*</td>\s*<td>(\d+)</td>""")]
    private static partial Regex TableRow();

    private static List<int> ScoresInTable(string html, string caption)
    {
        var start = html.IndexOf(caption, StringComparison.Ordinal);
        Assert.True(start >= 0, $"no table captioned '{caption}'");
        var end = html.IndexOf("</table>", start, StringComparison.Ordinal);
        return [.. TableRow().Matches(html[start..end]).Select(m => int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture))];
    }

    private async Task<(Guid Client, Guid Episode, List<int> Phq9, List<int> Alliance)> CurrentEpisodeAsync(string email)
    {
        var id = await shared.App.ClientIdAsync(email);
        await using var db = shared.App.SystemDb();
        var episode = await db.Episodes.Where(e => e.Members.Any(m => m.ClientId == id) && e.Status != Rapport.Episodes.EpisodeStatus.Ended).Select(e => e.Id).SingleAsync();
        async Task<List<int>> Totals(string instrument) => await db.MeasureResponses
            .Where(r => r.ClientId == id && r.EpisodeId == episode && r.InstrumentId == instrument && r.Total != null)
            .OrderBy(r => r.SubmittedAt).Select(r => r.Total!.Value).ToListAsync();
        return (id, episode, await Totals("phq-9"), await Totals("rapport-session-check"));
    }

    [Fact]
    public async Task ClientPage_ShowsOutcomeAndAllianceCharts_WhoseTablesHoldTheClientsScores()
    {
        var (id, episode, phq9, alliance) = await CurrentEpisodeAsync(Personas.Client2);
        using var therapist = await shared.App.SignedInWithCookieAsync(Personas.Therapist1);

        var html = await therapist.GetStringAsync(new Uri($"/clients/{id}", UriKind.Relative));

        Assert.Contains("role=\"img\"", html, StringComparison.Ordinal);
        Assert.Contains($"id=\"ep-{episode:N}-phq-9-title\"", html, StringComparison.Ordinal);
        var section = html[html.IndexOf($"id=\"ep-{episode:N}-phq-9-title\"", StringComparison.Ordinal)..];
        Assert.Equal(phq9, ScoresInTable(section, "PHQ-9 score at each check-in"));
        Assert.Equal(alliance, ScoresInTable(section, "Session Check total after each session"));
        Assert.Matches("Reliable improvement|No reliable change|Reliable deterioration", html);
        // client2 follows the demo's repaired-rupture course: the drop and the repair are marked.
        Assert.Contains("data-marker=\"Rupture\"", section, StringComparison.Ordinal);
        Assert.Contains("data-marker=\"Repair\"", section, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientPage_ShowsTheTimelineAcrossEpisodes_AndTheItemAnswersWithTheirWording()
    {
        var id = await shared.App.ClientIdAsync(Personas.Client2);
        using var therapist = await shared.App.SignedInWithCookieAsync(Personas.Therapist1);

        var html = WebUtility.HtmlDecode(await therapist.GetStringAsync(new Uri($"/clients/{id}", UriKind.Relative)));

        Assert.Contains("Timeline", html, StringComparison.Ordinal);
        Assert.Equal(2, Regex.Matches(html, "class=\"timeline-episode\"").Count);
        Assert.Contains(InstrumentCatalog.Get("phq-9").Items[8].Text!, html, StringComparison.Ordinal);
        Assert.Contains("(risk item)", html, StringComparison.Ordinal);
        Assert.Contains(InstrumentCatalog.Get("gad-7").Items[0].Text!, html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_RendersForTheCareTeam_WithEveryTableOpen_AndIsAudited()
    {
        var (id, _, phq9, _) = await CurrentEpisodeAsync(Personas.Client2);
        int before;
        await using (var db = shared.App.SystemDb())
        {
            before = await db.AuditEntries.CountAsync(e => e.ClientId == id && e.Action == AuditAction.Read);
        }

        foreach (var email in new[] { Personas.Therapist1, Personas.Supervisor })
        {
            using var staff = await shared.App.SignedInWithCookieAsync(email);
            using var response = await staff.GetAsync(new Uri($"/clients/{id}/report", UriKind.Relative));
            var html = await response.Content.ReadAsStringAsync();

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("Progress report:", html, StringComparison.Ordinal);
            Assert.Contains("<details class=\"chart-table\" open", html, StringComparison.Ordinal);
            Assert.DoesNotContain("<details class=\"chart-table\">", html, StringComparison.Ordinal);
            Assert.Contains(string.Join(",", phq9), string.Join(",", ScoresInTable(html[html.LastIndexOf("-phq-9-title", StringComparison.Ordinal)..], "PHQ-9 score at each check-in")), StringComparison.Ordinal);
        }

        await using (var db = shared.App.SystemDb())
        {
            Assert.Equal(before + 2, await db.AuditEntries.CountAsync(e => e.ClientId == id && e.Action == AuditAction.Read));
        }
    }

    [Fact]
    public async Task Report_ForATherapistWithoutTheRelationship_IsNotFound_AndShowsNoName()
    {
        var id = await shared.App.ClientIdAsync(Personas.Client2);
        string name;
        await using (var db = shared.App.SystemDb())
        {
            name = await db.Clients.Where(c => c.Id == id).Select(c => c.DisplayName).SingleAsync();
        }

        using var other = await shared.App.SignedInWithCookieAsync(Personas.Therapist2);
        using var response = await other.GetAsync(new Uri($"/clients/{id}/report", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain(name, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MyProgress_ShowsTheClientsOwnScores_AcrossTheirEpisodes_InPlainWords()
    {
        var (_, episode, phq9, alliance) = await CurrentEpisodeAsync(Personas.Client2);
        using var client = await shared.App.SignedInWithCookieAsync(Personas.Client2);

        var html = await client.GetStringAsync(new Uri("/me/progress", UriKind.Relative));

        var section = html[html.IndexOf($"id=\"part-{episode:N}-phq-9-title\"", StringComparison.Ordinal)..];
        Assert.Equal(phq9, ScoresInTable(section, "PHQ-9 score at each check-in"));
        Assert.Equal(alliance, ScoresInTable(section, "How your sessions went for you"));
        Assert.Equal(2, Regex.Matches(html, "class=\"report-episode mb-4\"").Count);
        Assert.Contains("people who started where you did", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("not a grade", html, StringComparison.Ordinal);
        // Clinical jargon stays on the therapist's side: the client reads "a dip", not "rupture".
        Assert.DoesNotContain("rupture", Regex.Replace(html, "<[^>]+>", " "), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task MyProgress_InACouple_ShowsOnlyTheMembersOwnAnswers()
    {
        // A distinctive answer from client12 (client11's partner), dated where no answer of client11's is.
        var partner = await shared.App.ClientIdAsync(Personas.Client12);
        await using (var db = shared.App.SystemDb())
        {
            var episode = await db.Episodes.Where(e => e.Members.Any(m => m.ClientId == partner)).SingleAsync();
            var answers = InstrumentCatalog.Get("gad-7").Items.ToDictionary(i => i.LinkId, _ => (int?)3);
            db.MeasureResponses.Add(new MeasureResponse
            {
                PracticeId = episode.PracticeId,
                EpisodeId = episode.Id,
                ClientId = partner,
                InstrumentId = "gad-7",
                SubmittedAt = new DateTime(2020, 2, 29, 9, 0, 0, DateTimeKind.Utc),
                AnswersJson = JsonSerializer.Serialize(answers),
                Total = 21,
            });
            await db.SaveChangesAsync();
        }

        using var client11 = await shared.App.SignedInWithCookieAsync(Personas.Client11);
        using var client12 = await shared.App.SignedInWithCookieAsync(Personas.Client12);
        var mine = await client11.GetStringAsync(new Uri("/me/progress", UriKind.Relative));
        var theirs = await client12.GetStringAsync(new Uri("/me/progress", UriKind.Relative));

        Assert.Contains("29 Feb 2020", theirs, StringComparison.Ordinal);
        Assert.DoesNotContain("29 Feb 2020", mine, StringComparison.Ordinal);
        Assert.Contains("Only your own answers are shown here", mine, StringComparison.Ordinal);
        var own = await CurrentEpisodeAsync(Personas.Client11);
        Assert.Equal(own.Phq9, ScoresInTable(mine, "PHQ-9 score at each check-in"));

        // The therapist's page for one member is that member's answers too (the group view is elsewhere).
        using var therapist = await shared.App.SignedInWithCookieAsync(Personas.Therapist1);
        Assert.DoesNotContain("29 Feb 2020", await therapist.GetStringAsync(new Uri($"/clients/{own.Client}", UriKind.Relative)), StringComparison.Ordinal);
        Assert.Contains("29 Feb 2020", await therapist.GetStringAsync(new Uri($"/clients/{partner}", UriKind.Relative)), StringComparison.Ordinal);
    }
}
