using Rapport.Audit;
using Rapport.Access;
using Rapport.Alerts;
using Rapport.Clinical.Instruments;
using Rapport.Clinical.Scoring;
using Rapport.Measures;
using Rapport.Persistence;

namespace Rapport.CheckIns;

/// <summary>
/// Turns one member's complete answers to one instrument into a stored, scored response and the risk alerts its
/// answers raise. The one way a check-in is submitted: the browser's last answer (<see cref="AnswerQuestion"/>) and a
/// FHIR QuestionnaireResponse both come here, so a positive PHQ-9 item 9 raises the same alert (and so the same
/// escalation) whichever way it arrived. It adds to the context without saving: the caller's one SaveChanges stores
/// the response, its alerts and their audit entry together (and, for a check-in, removes the draft in the same step).
/// </summary>
[Audits(AuditedAs.Writes)]
public sealed class SubmitResponse(RapportDb db)
{
    public const string AnswersField = "Answers";

    /// <param name="SessionId">The session the response is about, when there is one.</param>
    /// <param name="Answers">Every scored item's weight by linkId.</param>
    public sealed record Submission(Guid PracticeId, Guid EpisodeId, Guid ClientId, Guid? SessionId, Instrument Instrument, IReadOnlyDictionary<string, int?> Answers, DateTime SubmittedAt);

    public sealed record Submitted(MeasureResponse Response, ScoreResult Score, IReadOnlyList<RiskAlert> Alerts);

    /// <summary>Scores <paramref name="submission"/> and adds the response and its alerts; errors (by linkId) add nothing.</summary>
    public Outcome<Submitted> Add(Submission submission)
    {
        ArgumentNullException.ThrowIfNull(submission);
        var instrument = submission.Instrument;
        var score = ScoreResponse.Score(instrument, submission.Answers);
        if (!score.IsValid)
        {
            return Outcome<Submitted>.Invalid(score.Errors
                .GroupBy(e => e.Item ?? AnswersField)
                .ToDictionary(g => g.Key, g => g.First().Message));
        }

        var missing = instrument.Items.Where(i => submission.Answers.GetValueOrDefault(i.LinkId) is null).Select(i => i.LinkId).ToList();
        if (missing.Count > 0)
        {
            return Outcome<Submitted>.Invalid(missing.ToDictionary(m => m, _ => "This question has no answer: every question must be answered."));
        }

        var ordered = instrument.Items.ToDictionary(i => i.LinkId, i => submission.Answers[i.LinkId]);
        var result = score.Result!;
        var response = new MeasureResponse
        {
            PracticeId = submission.PracticeId,
            EpisodeId = submission.EpisodeId,
            ClientId = submission.ClientId,
            SessionId = submission.SessionId,
            InstrumentId = instrument.Id,
            SubmittedAt = submission.SubmittedAt,
            AnswersJson = System.Text.Json.JsonSerializer.Serialize(ordered),
            Total = result.Total,
        };
        db.MeasureResponses.Add(response);
        var alerts = result.Alerts.Where(a => a.Kind == AlertKinds.Risk)
            .Select(risk => RiskAlert.From(response, instrument, risk, submission.SubmittedAt))
            .ToList();
        db.RiskAlerts.AddRange(alerts);
        return Outcome<Submitted>.Ok(new Submitted(response, result, alerts));
    }
}
