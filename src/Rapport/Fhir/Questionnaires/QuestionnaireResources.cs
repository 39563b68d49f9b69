using Hl7.Fhir.Model;
using Rapport.Clinical.Instruments;
using Rapport.Measures;
using static Hl7.Fhir.Model.CapabilityStatement;

namespace Rapport.Fhir.Questionnaires;

/// <summary>
/// Questionnaire: the instruments, as the FHIR Questionnaires they already are, with their canonical URLs and LOINC codes.
/// Only usable ones: a licence-gated pack appears once a licensed practice has imported its wording.
/// </summary>
public sealed class QuestionnaireResources(InstrumentSource instruments) : IFhirResources
{
    public FhirResourceRegistration Registration { get; } = new(
        "Questionnaire",
        [TypeRestfulInteraction.Read, TypeRestfulInteraction.SearchType],
        [
            FhirSearchParameter.For<Questionnaire>("_id", SearchParamType.Token, "The instrument's id (phq-9, gad-7, …)", q => [new TokenValue(null, q.Id)]),
            FhirSearchParameter.For<Questionnaire>("code", SearchParamType.Token, "The instrument's code (LOINC 44249-1 for the PHQ-9)", q => TokenValue.Of(q.Code)),
            FhirSearchParameter.For<Questionnaire>("url", SearchParamType.Uri, "The canonical URL", q => [new UriValue(q.Url)]),
        ],
        [],
        [],
        []);

    public async Task<FhirItem?> ReadAsync(string id, CancellationToken cancellationToken) =>
        (await LoadAsync(null, cancellationToken)).FirstOrDefault(i => i.Resource.Id == id);

    public Task<IReadOnlyList<FhirItem>> LoadAsync(Guid? patientId, CancellationToken cancellationToken) =>
        System.Threading.Tasks.Task.FromResult<IReadOnlyList<FhirItem>>([.. Usable().Select(i => new FhirItem(Map(i), null, null, null, null))]);

    /// <summary>The instrument a Questionnaire canonical ("…/Questionnaire/phq-9", optionally "|1.0.0") or "Questionnaire/phq-9" names.</summary>
    public Instrument? Find(string? canonical)
    {
        if (string.IsNullOrWhiteSpace(canonical))
        {
            return null;
        }

        var plain = canonical.Split('|')[0];
        return Usable().FirstOrDefault(i => i.Questionnaire.Url == plain || plain == $"Questionnaire/{i.Id}");
    }

    private IEnumerable<Instrument> Usable() =>
        InstrumentCatalog.All.Select(i => instruments.Get(i.Id)).Where(i => i.IsUsable);

    public static Questionnaire Map(Instrument instrument)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        var questionnaire = (Questionnaire)instrument.Questionnaire.DeepCopy();
        questionnaire.Id = instrument.Id;
        questionnaire.Meta = FhirCodes.Meta(questionnaire.Version ?? "1", null);
        return questionnaire;
    }
}
