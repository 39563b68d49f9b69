using System.Text.Json;
using Hl7.Fhir.Model;
using Microsoft.EntityFrameworkCore;
using Rapport.Clinical.Instruments;
using Rapport.Episodes;
using Rapport.Measures;
using Rapport.Persistence;
using Rapport.Practices;
using Rapport.Audit;

namespace Rapport.CheckIns;

/// <summary>
/// Where a client is in their check-in: the episode it is for, the instruments due now (one at a time), the next
/// unanswered question, and whether crisis help must be shown (a risk answer in the last day). A client in more than
/// one episode at once (individual and couple therapy) checks in for one of them: when it is not clear which, the view
/// lists the <see cref="View.Choices"/> instead of a question, and the client picks.
/// </summary>
[NotAudited("The signed-in client's own questions and unsubmitted answers; what they submit is an audited write (MeasureResponse)")]
public sealed class GetCheckIn(RapportDb db, TimeProvider clock, InstrumentSource instruments)
{
    /// <summary>How long after a risk answer the crisis help stays at the top of every check-in page.</summary>
    public static readonly TimeSpan CrisisHelpFor = TimeSpan.FromHours(24);

    /// <summary>Answers within this long of each other count as one sitting, for "instrument 2 of 3".</summary>
    public static readonly TimeSpan Sitting = TimeSpan.FromHours(6);

    public sealed record Question(int Number, int Count, string LinkId, string Text, IReadOnlyList<AnswerOption> Options, int? Answer, string? PreviousLinkId);

    public sealed record Current(string InstrumentId, string Title, string? Stem, string Copyright, int InstrumentNumber, int InstrumentCount, Question Question);

    /// <summary>One therapy the client may check in for, in plain words: "Couple work with Sam Okafor".</summary>
    public sealed record EpisodeChoice(Guid EpisodeId, string Label, int DueCount);

    /// <param name="EpisodeId">The episode this check-in is for; <c>null</c> while the client has to choose.</param>
    /// <param name="Choices">Empty once the episode is known; otherwise the episodes to choose from, the most recent first.</param>
    public sealed record View(Guid? EpisodeId, IReadOnlyList<string> Therapists, Current? Instrument, string CrisisText, bool ShowCrisisHelp, IReadOnlyList<EpisodeChoice> Choices);

    /// <param name="linkId">A question to go back to.</param>
    /// <param name="episodeId">The episode chosen (from the address); <c>null</c> works it out or asks. An episode that is
    /// not the client's own, or has ended for them, gives <c>null</c> (not found).</param>
    public async Task<View?> HandleAsync(string? linkId = null, Guid? episodeId = null, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var candidates = await CheckInState.LoadAllAsync(db, instruments, now, cancellationToken, episodeId);
        if (candidates.Count == 0)
        {
            return null;
        }

        var practice = await db.Practices.AsNoTracking().Where(p => p.Id == candidates[0].Episode.PracticeId).Select(p => p.CrisisText).FirstOrDefaultAsync(cancellationToken);
        var crisisText = string.IsNullOrWhiteSpace(practice) ? Practice.DefaultCrisisText : practice;
        var since = now - CrisisHelpFor;
        var recentRisk = await db.RiskAlerts.AnyAsync(a => a.ClientId == candidates[0].ClientId && a.RaisedAt >= since, cancellationToken);
        if (episodeId is null && CheckInState.MustChoose(candidates))
        {
            var ids = candidates.Select(c => c.Episode.Id).ToList();
            var teams = await db.EpisodeTherapists.Where(t => ids.Contains(t.EpisodeId))
                .OrderByDescending(t => t.IsLead).ThenBy(t => t.StaffMember!.DisplayName)
                .Select(t => new { t.EpisodeId, t.StaffMember!.DisplayName }).ToListAsync(cancellationToken);
            var choices = candidates.Select(c => new EpisodeChoice(c.Episode.Id,
                    Label(c.Episode.Format, [.. teams.Where(t => t.EpisodeId == c.Episode.Id).Select(t => t.DisplayName)]), c.Due.Count))
                .ToList();
            return new View(null, [], null, crisisText, recentRisk, choices);
        }

        var state = CheckInState.Pick(candidates);
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

        return new View(state.Episode.Id, therapists, current, crisisText, recentRisk, []);
    }

    /// <summary>"Individual work with Sam Okafor", "Couple work with Sam Okafor and Ana Ruiz": the kind of therapy and who it is with.</summary>
    public static string Label(EpisodeFormat format, IReadOnlyList<string> therapists)
    {
        var kind = format switch
        {
            EpisodeFormat.Couple => "Couple work",
            EpisodeFormat.Family => "Family work",
            EpisodeFormat.Group => "Group work",
            _ => "Individual work",
        };
        return therapists.Count == 0 ? kind : $"{kind} with {string.Join(" and ", therapists)}";
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
    /// <summary>
    /// The check-in for one episode (<paramref name="episodeId"/>), or, without one, the episode it must be for: the
    /// client's only episode, or the only one with something due. <c>null</c> when the client has no such episode (an id
    /// that is not one of their own open memberships is simply not found) or must choose first: answers and notes are
    /// never stored against a guess, where the wrong therapist would read them.
    /// </summary>
    public static async Task<CheckInState?> LoadAsync(RapportDb db, InstrumentSource instruments, DateTime now, CancellationToken cancellationToken, Guid? episodeId = null)
    {
        var candidates = await LoadAllAsync(db, instruments, now, cancellationToken, episodeId);
        return candidates.Count == 0 || (episodeId is null && MustChoose(candidates)) ? null : Pick(candidates);
    }

    /// <summary>As <see cref="LoadAsync"/>, but when the client has not chosen and it is not clear, the most recently
    /// started episode: for a goal added from "What I have shared", which belongs to the client more than to one therapy.</summary>
    public static async Task<CheckInState?> LoadOrLatestAsync(RapportDb db, InstrumentSource instruments, DateTime now, CancellationToken cancellationToken, Guid? episodeId = null)
    {
        var candidates = await LoadAllAsync(db, instruments, now, cancellationToken, episodeId);
        return candidates.Count == 0 ? null : Pick(candidates);
    }

    /// <summary>
    /// Every episode the signed-in client could check in for now (or just <paramref name="episodeId"/>, if it is one):
    /// those not ended that they are still a member of, the most recently started first. The relationship filter
    /// already limits a client to their own episodes; the membership test here also rules out one they have left.
    /// </summary>
    public static async Task<IReadOnlyList<CheckInState>> LoadAllAsync(RapportDb db, InstrumentSource instruments, DateTime now, CancellationToken cancellationToken, Guid? episodeId = null)
    {
        if (db.Viewer.ClientId is not { } clientId)
        {
            return [];
        }

        var query = db.Episodes.Where(e => e.Status != EpisodeStatus.Ended && e.Members.Any(m => m.ClientId == clientId && m.LeftOn == null));
        if (episodeId is { } id)
        {
            query = query.Where(e => e.Id == id);
        }

        var episodes = await query.OrderByDescending(e => e.StartedOn).ThenByDescending(e => e.Id).ToListAsync(cancellationToken);
        var states = new List<CheckInState>(episodes.Count);
        foreach (var episode in episodes)
        {
            states.Add(await LoadForAsync(db, clientId, episode, now, cancellationToken, instruments));
        }

        return states;
    }

    /// <summary>More than one episode, and not exactly one of them with something due: only the client can say which.</summary>
    public static bool MustChoose(IReadOnlyList<CheckInState> candidates) =>
        candidates.Count > 1 && candidates.Count(c => c.Due.Count > 0) != 1;

    public static CheckInState Pick(IReadOnlyList<CheckInState> candidates) =>
        candidates.Count == 1 ? candidates[0] : candidates.FirstOrDefault(c => c.Due.Count > 0) ?? candidates[0];

    private static async Task<CheckInState> LoadForAsync(RapportDb db, Guid clientId, CareEpisode episode, DateTime now, CancellationToken cancellationToken, InstrumentSource instruments)
    {
        var schedule = await MeasurementPlanQueries.LoadScheduleAsync(db, episode, cancellationToken);
        var plan = schedule.Plan;
        var answers = await db.MeasureResponses.Where(r => r.EpisodeId == episode.Id && r.ClientId == clientId)
            .Select(r => new MeasurementPlan.Answered(r.InstrumentId, r.SubmittedAt))
            .ToListAsync(cancellationToken);

        // An instrument whose wording has not been imported (C-NIP ships without it) cannot be asked yet.
        var due = MeasurementPlan.DueForMember(schedule, clientId, answers, instruments.Askable(), now);
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
        return DraftAnswers(json);
    }

    /// <summary>The answers a draft holds so far, by link id.</summary>
    public static Dictionary<string, int?> DraftAnswers(string? answersJson) =>
        answersJson is null ? [] : JsonSerializer.Deserialize<Dictionary<string, int?>>(answersJson) ?? [];
}
