using Rapport.Audit;
using Hl7.Fhir.Model;
using Rapport.Measures;
using Rapport.Persistence;
using static Hl7.Fhir.Model.CapabilityStatement;

namespace Rapport.Fhir.QuestionnaireResponses;

/// <summary>
/// QuestionnaireResponse: a stored check-in answer set. A response never changes once stored, so its version is always
/// "1" and its lastUpdated is when it was submitted.
/// </summary>
// Returned only through ReadFhirResource or SearchFhirResources, which write one read entry naming every client the response holds.
[Audits(AuditedAs.PartOfClientRecord)]
public sealed class QuestionnaireResponseResources(RapportDb db, InstrumentSource instruments) : IFhirResources
{
    public FhirResourceRegistration Registration { get; } = new(
        "QuestionnaireResponse",
        [TypeRestfulInteraction.Read, TypeRestfulInteraction.SearchType, TypeRestfulInteraction.Create],
        [
            FhirSearchParameter.For<QuestionnaireResponse>("patient", SearchParamType.Reference, "The client who answered", q => [ReferenceValue.Of(q.Subject)]),
            FhirSearchParameter.For<QuestionnaireResponse>("questionnaire", SearchParamType.Reference, "The Questionnaire, by canonical URL or Questionnaire/id",
                q => [new UriValue(q.Questionnaire), new ReferenceValue("Questionnaire", (q.Questionnaire ?? "").Split('|')[0].Split('/')[^1])]),
            FhirSearchParameter.For<QuestionnaireResponse>("authored", SearchParamType.Date, "When it was submitted", q => [DateValue.Of(q.Authored)]),
            FhirSearchParameter.For<QuestionnaireResponse>("encounter", SearchParamType.Reference, "The session it is about", q => [ReferenceValue.Of(q.Encounter)]),
        ],
        [new FhirInclude("QuestionnaireResponse", "questionnaire", "Questionnaire")],
        [new FhirInclude("Observation", "derived-from", "QuestionnaireResponse")],
        []);

    public async Task<FhirItem?> ReadAsync(string id, CancellationToken cancellationToken) =>
        Guid.TryParse(id, out var guid) ? (await StoredResponses.LoadAsync(db, null, guid, cancellationToken)).Select(Item).FirstOrDefault() : null;

    public async Task<IReadOnlyList<FhirItem>> LoadAsync(Guid? patientId, CancellationToken cancellationToken) =>
        [.. (await StoredResponses.LoadAsync(db, patientId, null, cancellationToken)).Select(Item)];

    public FhirItem Item(MeasureResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return new FhirItem(Map(response), FhirCodes.Utc(response.SubmittedAt), response.PracticeId, response.ClientId, response.Id);
    }

    private QuestionnaireResponse Map(MeasureResponse r)
    {
        var instrument = instruments.Get(r.InstrumentId);
        return new QuestionnaireResponse
        {
            Id = r.Id.ToString(),
            Meta = FhirCodes.Meta("1", r.SubmittedAt),
            Questionnaire = instrument.Questionnaire.Url,
            Status = QuestionnaireResponse.QuestionnaireResponseStatus.Completed,
            Subject = FhirCodes.Ref("Patient", r.ClientId),
            Source = FhirCodes.Ref("Patient", r.ClientId),
            Encounter = r.SessionId is { } s ? FhirCodes.Ref("Encounter", s) : null,
            Authored = FhirCodes.Instant(r.SubmittedAt),
            Item = ResponseAnswers.Items(instrument, StoredResponses.Answers(r)),
        };
    }
}
