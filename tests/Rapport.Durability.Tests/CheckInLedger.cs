using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Rapport.Access;
using Rapport.Audit;
using Rapport.Clinical.Scoring;
using Rapport.Measures;
using Rapport.Persistence;

namespace Rapport.Durability.Tests;

/// <summary>
/// Reads the database after a run and lists every acknowledged write that is not there with its exact value (lost),
/// and every half-written check-in (partial). From the model, a check-in write is whole when:
/// an answer given mid-questionnaire is in the client's draft; the last answer's response holds every item of its
/// instrument with the stored total its answers score to, has one risk alert per risk answer, an audit entry for the
/// response and for each alert, and no draft left behind; no instrument was stored twice; and the audit chain verifies.
/// </summary>
public static class CheckInLedger
{
    public static async Task<IReadOnlyList<string>> ProblemsAsync(DatabaseOptions options, AcknowledgedLog log, DateTime since)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(log);
        await using var db = new RapportDb(RapportDatabase.StandaloneOptions(options), new FixedViewerSource(Viewer.System), new AuditContext(), TimeProvider.System);
        var problems = new List<string>();
        var emails = log.Answers.Select(a => a.Email).Concat(log.Notes.Select(n => n.Email)).Distinct().ToList();
        var normalised = emails.Select(e => e.ToUpperInvariant()).ToList();
        var clients = await db.Users.IgnoreQueryFilters().Where(u => normalised.Contains(u.NormalizedEmail!) && u.ClientId != null)
            .ToDictionaryAsync(u => u.Email!, u => u.ClientId!.Value, StringComparer.OrdinalIgnoreCase);
        var clientIds = clients.Values.ToList();
        var responses = await db.MeasureResponses.IgnoreQueryFilters().AsNoTracking().Where(r => r.SubmittedAt >= since).ToListAsync();
        var drafts = await db.CheckInDrafts.IgnoreQueryFilters().AsNoTracking().Where(d => clientIds.Contains(d.ClientId)).ToListAsync();

        // Lost: an acknowledged answer is in the submitted response or, before the last question, in the draft.
        foreach (var answer in log.Answers)
        {
            var client = clients[answer.Email];
            var response = responses.FirstOrDefault(r => r.ClientId == client && r.EpisodeId == answer.EpisodeId && r.InstrumentId == answer.InstrumentId);
            var draft = drafts.FirstOrDefault(d => d.ClientId == client && d.EpisodeId == answer.EpisodeId && d.InstrumentId == answer.InstrumentId);
            var stored = response is not null ? Answers(response.AnswersJson) : draft is not null ? Answers(draft.AnswersJson) : [];
            if (stored.GetValueOrDefault(answer.LinkId) != answer.Value)
            {
                problems.Add($"lost: {answer.Email} {answer.InstrumentId}/{answer.LinkId}={answer.Value} (stored: {stored.GetValueOrDefault(answer.LinkId)?.ToString() ?? "nothing"})");
            }
        }

        // Partial or doubled: every response written during the run.
        var audited = (await db.AuditEntries.IgnoreQueryFilters().AsNoTracking()
                .Where(e => e.At >= since.AddMinutes(-1) && e.Action == AuditAction.Create && (e.RecordType == nameof(MeasureResponse) || e.RecordType == nameof(Alerts.RiskAlert)))
                .Select(e => e.RecordId).ToListAsync())
            .ToHashSet(StringComparer.Ordinal);
        var responseIds = responses.Select(r => r.Id).ToList();
        var alerts = await db.RiskAlerts.IgnoreQueryFilters().AsNoTracking().Where(a => responseIds.Contains(a.MeasureResponseId)).ToListAsync();
        foreach (var twice in responses.GroupBy(r => (r.ClientId, r.EpisodeId, r.InstrumentId)).Where(g => g.Count() > 1))
        {
            problems.Add($"duplicate: {twice.Count()} responses to {twice.Key.InstrumentId} for one client and episode");
        }

        foreach (var response in responses)
        {
            var what = $"{response.InstrumentId} response {response.Id}";
            if (!InstrumentSource.BundledOnly.TryGet(response.InstrumentId, out var instrument))
            {
                continue;
            }

            var answers = Answers(response.AnswersJson);
            var unanswered = instrument.Items.Where(i => answers.GetValueOrDefault(i.LinkId) is null).Select(i => i.LinkId).ToList();
            if (unanswered.Count > 0)
            {
                problems.Add($"partial: {what} lacks {string.Join(", ", unanswered)}");
                continue;
            }

            var score = ScoreResponse.Score(instrument, answers);
            if (score.Result?.Total != response.Total)
            {
                problems.Add($"partial: {what} total {response.Total} but its answers score {score.Result?.Total}");
            }

            var risks = score.Result?.Alerts.Count(a => a.Kind == AlertKinds.Risk) ?? 0;
            var raised = alerts.Where(a => a.MeasureResponseId == response.Id).ToList();
            if (raised.Count != risks)
            {
                problems.Add($"partial: {what} has {risks} risk answers but {raised.Count} alerts");
            }

            if (!audited.Contains(response.Id.ToString()) || raised.Any(a => !audited.Contains(a.Id.ToString())))
            {
                problems.Add($"partial: {what} or one of its alerts has no audit entry");
            }

            if (drafts.Any(d => d.ClientId == response.ClientId && d.EpisodeId == response.EpisodeId && d.InstrumentId == response.InstrumentId && d.UpdatedAt <= response.SubmittedAt))
            {
                problems.Add($"partial: {what} stored but its draft was not removed");
            }
        }

        // Notes: free text, encrypted at rest; read back through the context, each acknowledged one exactly once.
        var noteClients = log.Notes.Select(n => clients[n.Email]).ToList();
        var notes = await db.ClientNotes.IgnoreQueryFilters().AsNoTracking().Where(n => noteClients.Contains(n.ClientId) && n.WrittenAt >= since).ToListAsync();
        foreach (var note in log.Notes)
        {
            var count = notes.Count(n => n.ClientId == clients[note.Email] && n.EpisodeId == note.EpisodeId && n.Text == note.Text);
            if (count != 1)
            {
                problems.Add($"{(count == 0 ? "lost" : "duplicate")}: note of {note.Email} stored {count} times");
            }
        }

        var chain = await new VerifyAuditTrail(db).HandleAsync();
        problems.AddRange(chain.Breaks.Select(b => $"audit chain: practice {b.PracticeId} entry {b.Sequence}: {b.Problem}"));
        return problems;
    }

    private static Dictionary<string, int?> Answers(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, int?>>(json) ?? [];
}
