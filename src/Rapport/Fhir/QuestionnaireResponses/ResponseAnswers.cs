using Hl7.Fhir.Model;
using Rapport.Clinical.Instruments;

namespace Rapport.Fhir.QuestionnaireResponses;

/// <summary>Between an instrument's answer weights and the codings its Questionnaire offers (the ordinalValue extension).</summary>
public static class ResponseAnswers
{
    private const string OrdinalValue = "http://hl7.org/fhir/StructureDefinition/ordinalValue";

    public static Questionnaire.ItemComponent? Item(Questionnaire questionnaire, string linkId) =>
        Flatten(questionnaire?.Item ?? []).FirstOrDefault(i => i.LinkId == linkId);

    public static IEnumerable<Questionnaire.ItemComponent> Flatten(IEnumerable<Questionnaire.ItemComponent> items) =>
        items.SelectMany(i => new[] { i }.Concat(Flatten(i.Item)));

    public static int? Weight(Questionnaire.AnswerOptionComponent option) =>
        option.GetExtensionValue<FhirDecimal>(OrdinalValue)?.Value is { } d ? (int)d : null;

    /// <summary>The coding a client chose for <paramref name="weight"/> on item <paramref name="linkId"/>.</summary>
    public static Coding? Coding(Instrument instrument, string linkId, int weight)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        var option = Item(instrument.Questionnaire, linkId)?.AnswerOption.FirstOrDefault(o => Weight(o) == weight);
        return option?.Value is Coding coding ? (Coding)coding.DeepCopy() : null;
    }

    /// <summary>The QuestionnaireResponse items for stored answers, nested as the Questionnaire nests them (C-NIP's groups).</summary>
    public static List<QuestionnaireResponse.ItemComponent> Items(Instrument instrument, IReadOnlyDictionary<string, int?> answers)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        return Build(instrument, instrument.Questionnaire.Item, answers);
    }

    private static List<QuestionnaireResponse.ItemComponent> Build(Instrument instrument, IEnumerable<Questionnaire.ItemComponent> items, IReadOnlyDictionary<string, int?> answers)
    {
        var result = new List<QuestionnaireResponse.ItemComponent>();
        foreach (var item in items)
        {
            if (item.Type == Questionnaire.QuestionnaireItemType.Group)
            {
                var children = Build(instrument, item.Item, answers);
                if (children.Count > 0)
                {
                    result.Add(new QuestionnaireResponse.ItemComponent { LinkId = item.LinkId, Text = item.Text, Item = children });
                }
            }
            else if (item.LinkId is not null && answers.TryGetValue(item.LinkId, out var weight) && weight is { } w)
            {
                var coding = Coding(instrument, item.LinkId, w);
                result.Add(new QuestionnaireResponse.ItemComponent
                {
                    LinkId = item.LinkId,
                    Text = item.Text,
                    Answer = [new QuestionnaireResponse.AnswerComponent { Value = coding is null ? new Integer(w) : coding }],
                });
            }
        }

        return result;
    }
}
