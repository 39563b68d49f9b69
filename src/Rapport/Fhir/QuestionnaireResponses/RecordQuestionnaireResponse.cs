using Rapport.Audit;
using Hl7.Fhir.Model;
using Microsoft.EntityFrameworkCore;
using Rapport.CheckIns;
using Rapport.Clinical.Instruments;
using Rapport.Episodes;
using Rapport.Fhir.Questionnaires;
using Rapport.Measures;
using Rapport.Persistence;
using Rapport.Staff;

namespace Rapport.Fhir.QuestionnaireResponses;

/// <summary>
/// POST QuestionnaireResponse: a completed check-in from a FHIR client, stored through <see cref="SubmitResponse"/>,
/// the same step the browser check-in's last answer takes, so it is scored the same and a positive risk item raises
/// the same alert (and escalation); one SaveChanges stores the response, its alerts and the audit entry, or nothing.
/// Who may post: the client for themself, or a therapist on the care team of the episode (a paper form entered
/// afterwards). A subject the caller may not write for is 404, exactly like one that does not exist.
/// </summary>
[Audits(AuditedAs.Writes)]
public sealed class RecordQuestionnaireResponse(RapportDb db, SubmitResponse submit, QuestionnaireResources questionnaires, QuestionnaireResponseResources responses, TimeProvider clock)
{
    public async Task<FhirItem> HandleAsync(QuestionnaireResponse posted, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(posted);
        if (posted.Status != QuestionnaireResponse.QuestionnaireResponseStatus.Completed)
        {
            throw FhirProblem.Rule("Only a completed QuestionnaireResponse can be stored (status = completed).", "QuestionnaireResponse.status");
        }

        var instrument = questionnaires.Find(posted.Questionnaire)
            ?? throw FhirProblem.Rule($"'{posted.Questionnaire}' is not a Questionnaire this server can score: read them with GET Questionnaire.", "QuestionnaireResponse.questionnaire");
        if (!instrument.HasWording)
        {
            throw FhirProblem.Rule($"{instrument.Id} cannot be asked here: its wording has not been imported.", "QuestionnaireResponse.questionnaire");
        }

        var subject = ReferenceValue.Of(posted.Subject) as ReferenceValue;
        if (subject is not { Type: "Patient" } || !Guid.TryParse(subject.Id, out var clientId))
        {
            throw FhirProblem.Rule("The subject must be a Patient reference (Patient/{id}).", "QuestionnaireResponse.subject");
        }

        var answers = Answers(instrument, posted);
        var (practiceId, episodeId, sessionId) = await WhereAsync(clientId, posted.Encounter, cancellationToken);

        var outcome = submit.Add(new SubmitResponse.Submission(practiceId, episodeId, clientId, sessionId, instrument, answers, clock.GetUtcNow().UtcDateTime));
        if (!outcome.Succeeded)
        {
            var (linkId, message) = outcome.Errors.First();
            throw FhirProblem.Rule(message, $"QuestionnaireResponse.item.where(linkId='{linkId}')");
        }

        await db.SaveChangesAsync(cancellationToken);
        return responses.Item(outcome.Value!.Response);
    }

    /// <summary>The answers by linkId, as weights: a coding the Questionnaire offers for that item, or its ordinal as an integer.</summary>
    private static Dictionary<string, int?> Answers(Instrument instrument, QuestionnaireResponse posted)
    {
        var answers = new Dictionary<string, int?>(StringComparer.Ordinal);
        foreach (var item in Flatten(posted.Item))
        {
            var asked = ResponseAnswers.Item(instrument.Questionnaire, item.LinkId ?? "")
                ?? throw FhirProblem.Rule($"linkId '{item.LinkId}' is not an item of {instrument.Id}.", $"QuestionnaireResponse.item.where(linkId='{item.LinkId}')");
            var linkId = asked.LinkId ?? "";
            if (asked.Type == Questionnaire.QuestionnaireItemType.Group || item.Answer.Count == 0 || instrument.IndexOf(linkId) < 0)
            {
                continue; // groups, display items and items asked but not scored (PHQ-9 item 10) are not stored
            }

            if (item.Answer.Count > 1 || answers.ContainsKey(linkId))
            {
                throw FhirProblem.Rule($"Item {asked.LinkId} has more than one answer.", $"QuestionnaireResponse.item.where(linkId='{asked.LinkId}')");
            }

            answers[linkId] = item.Answer[0].Value switch
            {
                Coding coding => asked.AnswerOption.FirstOrDefault(o => o.Value is Coding c && c.Code == coding.Code && (coding.System is null || c.System == coding.System)) is { } option
                    ? ResponseAnswers.Weight(option)
                    : throw FhirProblem.Rule($"Item {asked.LinkId}: {coding.System}|{coding.Code} is not one of its answers.", $"QuestionnaireResponse.item.where(linkId='{asked.LinkId}').answer"),
                Integer { Value: { } n } => n,
                _ => throw FhirProblem.Rule($"Item {asked.LinkId}: answer with valueCoding (one of the item's answerOption codings) or valueInteger.", $"QuestionnaireResponse.item.where(linkId='{asked.LinkId}').answer"),
            };
        }

        return answers;
    }

    private static IEnumerable<QuestionnaireResponse.ItemComponent> Flatten(IEnumerable<QuestionnaireResponse.ItemComponent> items) =>
        items.SelectMany(i => new[] { i }.Concat(Flatten(i.Item).Concat(i.Answer.SelectMany(a => Flatten(a.Item)))));

    /// <summary>The episode (and session) the response is for, among those the caller may write for; 404 otherwise.</summary>
    private async Task<(Guid Practice, Guid Episode, Guid? Session)> WhereAsync(Guid clientId, ResourceReference? encounter, CancellationToken cancellationToken)
    {
        var viewer = db.Viewer;
        var writer = viewer.ClientId == clientId || viewer.Has(StaffRoles.Therapist) || viewer.Has(StaffRoles.Supervisor);
        // Through the filters: a client the caller may not see is not found, as is one they see but do not treat (an admin).
        var episodes = writer
            ? await db.Episodes.AsNoTracking()
                .Where(e => e.Status != EpisodeStatus.Ended && e.Members.Any(m => m.ClientId == clientId && m.LeftOn == null))
                .Where(e => viewer.ClientId == clientId || e.CareTeam.Any(t => t.StaffMemberId == viewer.StaffMemberId))
                .Where(e => db.Clients.Any(c => c.Id == clientId))
                .Select(e => new { e.Id, e.PracticeId })
                .ToListAsync(cancellationToken)
            : [];
        if (episodes.Count == 0)
        {
            throw FhirProblem.NotFound($"Patient/{clientId}");
        }

        if (encounter is not null)
        {
            if (ReferenceValue.Of(encounter) is not ReferenceValue { Type: "Encounter" } e || !Guid.TryParse(e.Id, out var sessionId))
            {
                throw FhirProblem.Rule("The encounter must be an Encounter reference (Encounter/{id}).", "QuestionnaireResponse.encounter");
            }

            var ids = episodes.Select(x => x.Id).ToList();
            var session = await db.Sessions.AsNoTracking().Where(s => s.Id == sessionId && ids.Contains(s.EpisodeId)).Select(s => new { s.Id, s.EpisodeId, s.PracticeId }).FirstOrDefaultAsync(cancellationToken)
                ?? throw FhirProblem.NotFound($"Encounter/{sessionId}");
            return (session.PracticeId, session.EpisodeId, session.Id);
        }

        if (episodes.Count > 1)
        {
            throw FhirProblem.Rule("This patient is in more than one open episode: name the session it is for in QuestionnaireResponse.encounter.", "QuestionnaireResponse.encounter");
        }

        return (episodes[0].PracticeId, episodes[0].Id, null);
    }
}
