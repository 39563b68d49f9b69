using Firely.Fhir.Validation;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;
using Hl7.Fhir.Specification.Source;
using Hl7.Fhir.Specification.Terminology;
using Rapport.Web.Tests.Support;

namespace Rapport.Web.Tests.Fhir;

/// <summary>Firely's FhirClient as a real FHIR client would use it, over the test host, signed in with a bearer token.</summary>
internal static class FhirSupport
{
    public static async Task<FhirClient> FhirClientAsync(this RapportApp app, string email)
    {
        var http = await app.SignedInAsync(email);
        return new FhirClient(new Uri(http.BaseAddress!, "/fhir"), http, new FhirClientSettings { PreferredFormat = ResourceFormat.Json, VerifyFhirVersion = false });
    }

    /// <summary>A PHQ-9 response with these weights for items 1-9, as codings the Questionnaire offers.</summary>
    public static QuestionnaireResponse Phq9(Questionnaire questionnaire, Guid patient, params int[] weights)
    {
        var response = new QuestionnaireResponse
        {
            Questionnaire = questionnaire.Url,
            Status = QuestionnaireResponse.QuestionnaireResponseStatus.Completed,
            Subject = new ResourceReference($"Patient/{patient}"),
            Authored = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture),
        };
        for (var i = 0; i < weights.Length; i++)
        {
            var item = questionnaire.Item.Single(q => q.LinkId == $"{i + 1}");
            var option = item.AnswerOption.Single(o => o.GetExtensionValue<FhirDecimal>("http://hl7.org/fhir/StructureDefinition/ordinalValue").Value == weights[i]);
            response.Item.Add(new QuestionnaireResponse.ItemComponent
            {
                LinkId = item.LinkId,
                Answer = [new QuestionnaireResponse.AnswerComponent { Value = (Coding)option.Value.DeepCopy() }],
            });
        }

        return response;
    }
}

/// <summary>
/// The Firely validator over the base R4 specification, offline. Built once per test run (the first validation takes
/// seconds); not thread-safe, so calls are serialised.
/// </summary>
internal static class FhirValidation
{
    private static readonly Lazy<Validator> Shared = new(() =>
    {
        var resolver = new CachedResolver(ZipSource.CreateValidationSource());
        return new Validator(resolver, new LocalTerminologyService(resolver));
    });

    private static readonly Lock Gate = new();

    public static IReadOnlyList<string> Errors(Resource resource)
    {
        lock (Gate)
        {
            var outcome = Shared.Value.Validate(resource);
            return [.. outcome.Issue
                .Where(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal)
                .Select(i => $"{resource.TypeName}/{resource.Id}: {i.Details?.Text ?? i.Diagnostics} at {string.Join(",", i.Expression)}")];
        }
    }
}
