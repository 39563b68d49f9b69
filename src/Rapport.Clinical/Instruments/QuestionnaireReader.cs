using System.Globalization;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace Rapport.Clinical.Instruments;

/// <summary>Reads FHIR R4 Questionnaires with the Firely SDK so every bundled or imported instrument is valid FHIR.</summary>
public static class QuestionnaireReader
{
    private const string OrdinalValueUrl = "http://hl7.org/fhir/StructureDefinition/ordinalValue";

    /// <summary>Parses a Questionnaire from FHIR JSON.</summary>
    /// <exception cref="FormatException">The text is not a valid FHIR R4 Questionnaire; the message says why.</exception>
    public static Questionnaire Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        Resource resource;
        try
        {
            resource = new FhirJsonDeserializer(new DeserializerSettings()).DeserializeResource(json);
        }
        catch (DeserializationFailedException ex)
        {
            throw new FormatException($"not a valid FHIR R4 resource: {ex.Message}", ex);
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new FormatException($"not valid JSON: {ex.Message}", ex);
        }

        return resource as Questionnaire
            ?? throw new FormatException($"expected a FHIR Questionnaire, found {resource.TypeName}");
    }

    internal static Questionnaire LoadEmbedded(string id)
    {
        var name = $"Rapport.Clinical.Questionnaires.{id}.json";
        using var stream = typeof(QuestionnaireReader).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"embedded Questionnaire {name} is missing");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd());
    }

    /// <summary>Every answerable (non-group, non-display, not read-only) item, depth first.</summary>
    public static IEnumerable<Questionnaire.ItemComponent> AnswerableItems(Questionnaire questionnaire)
    {
        ArgumentNullException.ThrowIfNull(questionnaire);
        return Walk(questionnaire.Item);

        static IEnumerable<Questionnaire.ItemComponent> Walk(IEnumerable<Questionnaire.ItemComponent> items)
        {
            foreach (var item in items)
            {
                if (item.Type == Questionnaire.QuestionnaireItemType.Group)
                {
                    foreach (var child in Walk(item.Item))
                    {
                        yield return child;
                    }
                }
                else if (item.Type != Questionnaire.QuestionnaireItemType.Display && item.ReadOnly != true)
                {
                    yield return item;
                }
            }
        }
    }

    internal static InstrumentItem ToItem(Questionnaire.ItemComponent item, bool reverseKeyed)
    {
        var options = new List<AnswerOption>(item.AnswerOption.Count);
        foreach (var option in item.AnswerOption)
        {
            var coding = option.Value as Coding;
            var ordinal = option.GetExtensionValue<FhirDecimal>(OrdinalValueUrl)?.Value;
            var weight = ordinal is { } w
                ? (int)w
                : int.Parse(coding?.Code ?? "0", NumberStyles.Integer, CultureInfo.InvariantCulture);
            options.Add(new AnswerOption(weight, coding?.Display ?? weight.ToString(CultureInfo.InvariantCulture), coding?.Code));
        }

        var loinc = item.Code.FirstOrDefault(c => c.System == "http://loinc.org")?.Code;
        return new InstrumentItem(item.LinkId ?? string.Empty, string.IsNullOrWhiteSpace(item.Text) ? null : item.Text, loinc, options, reverseKeyed);
    }
}
