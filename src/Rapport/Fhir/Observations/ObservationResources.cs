using Rapport.Audit;
using Hl7.Fhir.Model;
using Rapport.Clinical.Instruments;
using Rapport.Clinical.Scoring;
using Rapport.Fhir.QuestionnaireResponses;
using Rapport.Measures;
using Rapport.Persistence;
using static Hl7.Fhir.Model.CapabilityStatement;

namespace Rapport.Fhir.Observations;

/// <summary>
/// Observation: the scores of each stored response, shaped as US Core's PHQ-9 example: a panel (the instrument's code,
/// no value) whose <c>hasMember</c> are the total score (<c>valueQuantity</c> in <c>{score}</c>, with the severity band
/// as <c>interpretation</c>) and one Observation per item that carries a LOINC code; all <c>derivedFrom</c> the
/// QuestionnaireResponse. Ids: the panel is the response's id, the total "{id}-total", an item "{id}-{linkId}".
/// </summary>
// Returned only through ReadFhirResource or SearchFhirResources, which write one read entry naming every client the response holds.
[Audits(AuditedAs.PartOfClientRecord)]
public sealed class ObservationResources(RapportDb db, InstrumentSource instruments) : IFhirResources
{
    /// <summary>LOINC total-score codes (US Core screening-assessment examples); Rapport's own code where LOINC has none.</summary>
    private static readonly Dictionary<string, Coding> TotalCodes = new()
    {
        [InstrumentCatalog.Phq9Id] = new Coding(FhirCodes.Loinc, "44261-6", "Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]"),
        [InstrumentCatalog.Gad7Id] = new Coding(FhirCodes.Loinc, "70274-6", "Generalized anxiety disorder 7 item (GAD-7) total score [Reported.PHQ]"),
    };

    private static readonly CodeableConcept Survey = new(FhirCodes.ObservationCategory, "survey", "Survey");

    public FhirResourceRegistration Registration { get; } = new(
        "Observation",
        [TypeRestfulInteraction.Read, TypeRestfulInteraction.SearchType],
        [
            FhirSearchParameter.For<Observation>("patient", SearchParamType.Reference, "The client", o => [ReferenceValue.Of(o.Subject)]),
            FhirSearchParameter.For<Observation>("code", SearchParamType.Token, "LOINC 44261-6 for the PHQ-9 total, …", o => TokenValue.Of(o.Code)),
            FhirSearchParameter.For<Observation>("date", SearchParamType.Date, "When the response was submitted", o => [DateValue.Of((o.Effective as FhirDateTime)?.Value)]),
            FhirSearchParameter.For<Observation>("category", SearchParamType.Token, "survey", o => o.Category.SelectMany(TokenValue.Of)),
            FhirSearchParameter.For<Observation>("value-quantity", SearchParamType.Quantity, "The total score, e.g. ge10",
                o => [o.Value is Quantity q && q.Value is { } v ? new QuantityValue(v, q.System, q.Code) : null]),
            FhirSearchParameter.For<Observation>("derived-from", SearchParamType.Reference, "The QuestionnaireResponse", o => o.DerivedFrom.Select(ReferenceValue.Of)),
        ],
        [new FhirInclude("Observation", "patient", "Patient")],
        [],
        []);

    public async Task<FhirItem?> ReadAsync(string id, CancellationToken cancellationToken)
    {
        if (StoredResponses.ResponseIdOf(id) is not { } responseId)
        {
            return null;
        }

        var responses = await StoredResponses.LoadAsync(db, null, responseId, cancellationToken);
        return responses.SelectMany(Map).FirstOrDefault(i => i.Resource.Id == id);
    }

    public async Task<IReadOnlyList<FhirItem>> LoadAsync(Guid? patientId, CancellationToken cancellationToken) =>
        [.. (await StoredResponses.LoadAsync(db, patientId, null, cancellationToken)).SelectMany(Map)];

    private IEnumerable<FhirItem> Map(MeasureResponse r)
    {
        var instrument = instruments.Get(r.InstrumentId);
        var answers = StoredResponses.Answers(r);
        var at = FhirCodes.Utc(r.SubmittedAt);
        var members = new List<Observation>();
        if (r.Total is { } total)
        {
            var observation = Base(r, $"{r.Id}-total", new CodeableConcept { Coding = [TotalCode(instrument)], Text = $"{instrument.Title} total score" });
            observation.Value = new Quantity { Value = total, System = FhirCodes.Ucum, Code = "{score}", Unit = "{score}" };
            if (ScoreResponse.Band(instrument.Scoring, total) is { } band)
            {
                observation.Interpretation = [new CodeableConcept(FhirCodes.SeverityBand, Slug(band), band, band)];
            }

            members.Add(observation);
        }

        foreach (var item in instrument.Items.Where(i => i.LoincCode is not null))
        {
            if (answers.GetValueOrDefault(item.LinkId) is not { } weight)
            {
                continue;
            }

            var observation = Base(r, $"{r.Id}-{item.LinkId}", new CodeableConcept(FhirCodes.Loinc, item.LoincCode, item.Text, item.Text));
            observation.Value = ResponseAnswers.Coding(instrument, item.LinkId, weight) is { } coding
                ? new CodeableConcept { Coding = [coding], Text = coding.Display }
                : new Integer(weight);
            members.Add(observation);
        }

        var panelCode = instrument.Questionnaire.Code.FirstOrDefault() is { } code
            ? (Coding)code.DeepCopy()
            : new Coding(FhirCodes.Measures, instrument.Id, instrument.Title);
        var panel = Base(r, r.Id.ToString(), new CodeableConcept { Coding = [panelCode], Text = instrument.Title });
        panel.HasMember = [.. members.Select(m => FhirCodes.Ref("Observation", m.Id!))];

        yield return new FhirItem(panel, at, r.PracticeId, r.ClientId, r.Id);
        foreach (var member in members)
        {
            yield return new FhirItem(member, at, r.PracticeId, r.ClientId, r.Id);
        }
    }

    private static Coding TotalCode(Instrument instrument) =>
        TotalCodes.TryGetValue(instrument.Id, out var loinc)
            ? (Coding)loinc.DeepCopy()
            : new Coding(FhirCodes.Measures, $"{instrument.Id}-total", $"{instrument.Title} total score");

    private static Observation Base(MeasureResponse r, string id, CodeableConcept code) => new()
    {
        Id = id,
        Meta = FhirCodes.Meta("1", r.SubmittedAt),
        Status = ObservationStatus.Final,
        Category = [(CodeableConcept)Survey.DeepCopy()],
        Code = code,
        Subject = FhirCodes.Ref("Patient", r.ClientId),
        Encounter = r.SessionId is { } s ? FhirCodes.Ref("Encounter", s) : null,
        Effective = new FhirDateTime(FhirCodes.Utc(r.SubmittedAt)),
        Issued = FhirCodes.Utc(r.SubmittedAt),
        DerivedFrom = [FhirCodes.Ref("QuestionnaireResponse", r.Id)],
    };

    private static string Slug(string band) =>
        string.Join('-', band.ToLowerInvariant().Split([' ', '/', '(', ')', ','], StringSplitOptions.RemoveEmptyEntries));
}
