using System.Text.Json;
using Hl7.Fhir.Model;
using Microsoft.EntityFrameworkCore;
using Rapport.Clinical.Instruments;
using Rapport.Episodes;
using Rapport.Measures;
using Rapport.Persistence;
using Rapport.Practices;

namespace Rapport.CheckIns;

/// <summary>
/// Where a client is in their check-in: the current episode, the instruments due now (one at a time), the next
/// unanswered question, and whether crisis help must be shown (a risk answer in the last day).
/// </summary>
public sealed class GetCheckIn(RapportDb db, TimeProvider clock, InstrumentSource? instruments = null)
{
    /// <summary>How long after a risk answer the crisis help stays at the top of every check-in page.</summary>
    public static readonly TimeSpan CrisisHelpFor = TimeSpan.FromHours(24);

    /// <summary>Answers within this long of each other count as one sitting, for "instrument 2 of 3".</summary>
    public static readonly TimeSpan Sitting = TimeSpan.FromHours(6);

    public sealed record Question(int Number, int Count, string LinkId, string Text, IReadOnlyList<AnswerOption> Options, int? Answer, string? PreviousLinkId);

    public sealed record Current(string InstrumentId, string Title, string? Stem, string Copyright, int InstrumentNumber, int InstrumentCount, Question Question);

    public sealed record View(Guid EpisodeId, IReadOnlyList<string> Therapists, Current? Instrument, string CrisisText, bool ShowCrisisHelp);

    public async Task<View?> HandleAsync(string? linkId = null, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var state = await CheckInState.LoadAsync(db, now, cancellationToken, instruments);
        if (state is null)
        {
            return null;
        }

        var practice = await db.Practices.AsNoTracking().Where(p => p.Id == state.Episode.PracticeId).Select(p => p.CrisisText).FirstOrDefaultAsync(cancellationToken);
        var since = now - CrisisHelpFor;
        var recentRisk = await db.RiskAlerts.AnyAsync(a => a.ClientId == state.ClientId && a.RaisedAt >= since, cancellationToken);
        var therapists = await db.EpisodeTherapists.Where(t => t.EpisodeId == state.Episode.Id).Select(t => t.StaffMember!.DisplayName).ToListAsync(cancellationToken);

        Current? current = null;
        if (state.Due.Count > 0)
        {
            var instrument = state.Due[0];
            var draft = await state.DraftAnswersAsync(db, instrument.Id, cancellationToken);
            var index = linkId is not null && instrument.IndexOf(linkId) >= 0 && IsReachable(instrument, draft, instrument.IndexOf(linkId))
                ? instrument.IndexOf(linkId)
                : FirstUnanswered(instrument, draft);
            var item = instrument.Items[index];
            var question = new Question(index + 1, instrument.Items.Count, item.LinkId, item.Text ?? string.Empty, item.Options,
                draft.TryGetValue(item.LinkId, out var a) ? a : null, index > 0 ? instrument.Items[index - 1].LinkId : null);
            var stem = instrument.Questionnaire.Item.FirstOrDefault(i => i.Type == Questionnaire.QuestionnaireItemType.Display)?.Text;
            current = new Current(instrument.Id, instrument.Title, stem, instrument.Licence.Statement,
                state.DoneThisSitting + 1, state.DoneThisSitting + state.Due.Count, question);
        }

        return new View(state.Episode.Id, therapists, current, string.IsNullOrWhiteSpace(practice) ? Practice.DefaultCrisisText : practice, recentRisk);
    }

    private static int FirstUnanswered(Instrument instrument, IReadOnlyDictionary<string, int?> draft)
    {
        for (var i = 0; i < instrument.Items.Count; i++)
        {
            if (!draft.TryGetValue(instrument.Items[i].LinkId, out var v) || v is null)
            {
                return i;
            }
        }

        return instrument.Items.Count - 1;
    }

    // Going back is allowed to any answered question and to the first unanswered one, not beyond it.
    private static bool IsReachable(Instrument instrument, IReadOnlyDictionary<string, int?> draft, int index) =>
        index <= FirstUnanswered(instrument, draft);
}

/// <summary>The check-in situation of the signed-in client, shared by reading and answering.</summary>
internal sealed record CheckInState(Guid ClientId, CareEpisode Episode, IReadOnlyList<Instrument> Due, IReadOnlyList<DueMeasure> DueMeasures, int DoneThisSitting)
{
    public static async Task<CheckInState?> LoadAsync(RapportDb db, DateTime now, CancellationToken cancellationToken, InstrumentSource? instruments = null)
    {
        if (db.Viewer.ClientId is not { } clientId)
        {
            return null;
        }

        // The current episode: the most recently started one the client is still a member of.
        var episode = await db.Episodes
            .Where(e => e.Status != EpisodeStatus.Ended && e.Members.Any(m => m.ClientId == clientId && m.LeftOn == null))
            .OrderByDescending(e => e.StartedOn)
            .FirstOrDefaultAsync(cancellationToken);
        if (episode is null)
        {
            return null;
        }

        var (plan, sessions) = await MeasurementPlanQueries.LoadForMemberAsync(db, episode, clientId, cancellationToken);
        var answers = await db.MeasureResponses.Where(r => r.EpisodeId == episode.Id && r.ClientId == clientId)
            .Select(r => new MeasurementPlan.Answered(r.InstrumentId, r.SubmittedAt))
            .ToListAsync(cancellationToken);

        // An instrument whose wording has not been imported (C-NIP ships without it) cannot be asked yet.
        instruments ??= InstrumentSource.BundledOnly;
        var due = InstrumentSource.AskableOnly(MeasurementPlan.Due(plan, sessions, answers, now), instruments.Askable());
        var sitting = now - GetCheckIn.Sitting;
        var done = answers.Where(a => a.SubmittedAt >= sitting && plan.Any(p => p.InstrumentId == a.InstrumentId))
            .Select(a => a.InstrumentId).Distinct().Count(id => due.All(d => d.InstrumentId != id));
        return new CheckInState(clientId, episode, [.. due.Select(d => instruments.Get(d.InstrumentId))], due, done);
    }

    public async Task<Dictionary<string, int?>> DraftAnswersAsync(RapportDb db, string instrumentId, CancellationToken cancellationToken)
    {
        var json = await db.CheckInDrafts
            .Where(d => d.ClientId == ClientId && d.EpisodeId == Episode.Id && d.InstrumentId == instrumentId)
            .Select(d => d.AnswersJson)
            .FirstOrDefaultAsync(cancellationToken);
        return json is null ? [] : JsonSerializer.Deserialize<Dictionary<string, int?>>(json) ?? [];
    }
}
