using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Rapport.Access;
using Rapport.Clinical.Instruments;
using Rapport.Clinical.Scoring;
using Rapport.Measures;
using Rapport.Persistence;
using Rapport.Audit;

namespace Rapport.CheckIns;

/// <summary>
/// Saves one answer of a check-in. Every answer is checked by the clinical core before anything is stored; the last
/// answer of an instrument submits it: the scored response and any risk alert are written together, in one
/// transaction, and the draft goes.
/// </summary>
[Audits(AuditedAs.Writes)]
public sealed class AnswerQuestion(RapportDb db, TimeProvider clock, InstrumentSource instruments)
{
    private readonly SubmitResponse _submit = new(db);

    public const string AnswerField = "Answer";

    /// <param name="Submitted">The instrument is complete and stored.</param>
    /// <param name="RiskAnswered">A risk answer was given: show crisis help now.</param>
    public sealed record Result(bool Submitted, bool RiskAnswered);

    /// <param name="episodeId">The episode the check-in is for (the client's choice); not found unless it is the client's own.</param>
    public async Task<Outcome<Result>> HandleAsync(string instrumentId, string linkId, int? value, Guid? episodeId = null, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var state = await CheckInState.LoadAsync(db, instruments, now, cancellationToken, episodeId);
        if (state is null)
        {
            return Outcome<Result>.Missing();
        }

        // Only what is due may be answered: a stale page or a hand-made request for something else changes nothing.
        var instrument = state.Due.FirstOrDefault(i => i.Id == instrumentId);
        if (instrument is null)
        {
            // The same answer sent twice (a double tap) after the first completed the instrument: nothing more to do.
            var justSent = now.AddMinutes(-10);
            if (await db.MeasureResponses.AnyAsync(r => r.ClientId == state.ClientId && r.EpisodeId == state.Episode.Id && r.InstrumentId == instrumentId && r.SubmittedAt >= justSent, cancellationToken))
            {
                return Outcome<Result>.Ok(new Result(false, false));
            }

            return Outcome<Result>.Invalid(AnswerField, "This questionnaire is not due now. Please reload the page.");
        }

        if (value is null)
        {
            return Outcome<Result>.Invalid(AnswerField, "Please choose one of the answers.");
        }

        // The draft is read once: its answers and the row whose guarded delete lets only one of two simultaneous last
        // answers store a response. Read twice, a draft deleted in between (by the other request) looked like no draft,
        // and both requests stored a response.
        var draft = await db.CheckInDrafts.FirstOrDefaultAsync(d => d.ClientId == state.ClientId && d.EpisodeId == state.Episode.Id && d.InstrumentId == instrumentId, cancellationToken);
        var answers = CheckInState.DraftAnswers(draft?.AnswersJson);
        answers[linkId] = value;
        var score = ScoreResponse.Score(instrument, answers);
        if (!score.IsValid)
        {
            return Outcome<Result>.Invalid(AnswerField, "That answer is not one of the choices for this question. Please choose one of the answers shown.");
        }

        var ordered = instrument.Items.ToDictionary(i => i.LinkId, i => answers.GetValueOrDefault(i.LinkId));
        var complete = instrument.Items.All(i => ordered[i.LinkId] is not null);
        if (!complete)
        {
            if (draft is null)
            {
                draft = new CheckInDraft { PracticeId = state.Episode.PracticeId, EpisodeId = state.Episode.Id, ClientId = state.ClientId, InstrumentId = instrumentId };
                db.CheckInDrafts.Add(draft);
            }

            draft.AnswersJson = JsonSerializer.Serialize(ordered.Where(a => a.Value is not null).ToDictionary());
            draft.UpdatedAt = now;
            return await SaveOrYieldAsync(new Result(false, false), cancellationToken);
        }

        // The last answer submits the whole response through the one submission path (the FHIR API uses it too).
        var submitted = _submit.Add(new SubmitResponse.Submission(state.Episode.PracticeId, state.Episode.Id, state.ClientId,
            state.DueMeasures.First(d => d.InstrumentId == instrumentId).ForSession, instrument, ordered, now));
        if (!submitted.Succeeded)
        {
            return Outcome<Result>.Invalid(AnswerField, "That answer is not one of the choices for this question. Please choose one of the answers shown.");
        }

        if (draft is not null)
        {
            db.CheckInDrafts.Remove(draft);
        }

        // One SaveChanges is one transaction: the answers and their alert are stored together or not at all.
        return await SaveOrYieldAsync(new Result(true, submitted.Value!.Alerts.Count > 0), cancellationToken);
    }

    /// <summary>
    /// A double tap on a phone sends the same answer twice at once. The draft's unique index and concurrency token make
    /// the second request fail instead of storing a second response (and a second alert); it then yields to the first,
    /// and the page shows whatever the first saved.
    /// </summary>
    private async Task<Outcome<Result>> SaveOrYieldAsync(Result result, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return Outcome<Result>.Ok(result);
        }
        catch (DbUpdateException)
        {
            if (!await ConcurrentWriteWonAsync(cancellationToken))
            {
                throw;
            }

            db.ChangeTracker.Clear();
            return Outcome<Result>.Ok(new Result(false, false));
        }
    }

    private async Task<bool> ConcurrentWriteWonAsync(CancellationToken cancellationToken)
    {
        var draft = db.ChangeTracker.Entries<CheckInDraft>().Select(e => e.Entity).FirstOrDefault();
        if (draft is null)
        {
            return false;
        }

        // Either the draft was changed or removed under us (concurrency), or another request inserted it first (unique).
        var stored = await db.CheckInDrafts.AsNoTracking().Where(d => d.ClientId == draft.ClientId && d.EpisodeId == draft.EpisodeId && d.InstrumentId == draft.InstrumentId)
            .Select(d => (Guid?)d.Version).FirstOrDefaultAsync(cancellationToken);
        return stored != draft.Version || stored is null;
    }
}
