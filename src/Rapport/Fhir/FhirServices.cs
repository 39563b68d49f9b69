using Microsoft.Extensions.DependencyInjection;
using Rapport.Fhir.AuditEvents;
using Rapport.Fhir.CareTeams;
using Rapport.Fhir.Consents;
using Rapport.Fhir.Encounters;
using Rapport.Fhir.Everything;
using Rapport.Fhir.Flags;
using Rapport.Fhir.Observations;
using Rapport.Fhir.Patients;
using Rapport.Fhir.Practices;
using Rapport.Fhir.QuestionnaireResponses;
using Rapport.Fhir.Questionnaires;
using Rapport.Fhir.Search;
using Rapport.Fhir.Staff;

namespace Rapport.Fhir;

public static class FhirServices
{
    /// <summary>The FHIR API's features. A resource type is served (and stated in the CapabilityStatement) exactly when it is registered here.</summary>
    public static IServiceCollection AddFhir(this IServiceCollection services)
    {
        Add<OrganizationResources>(services);
        Add<PractitionerResources>(services);
        Add<PractitionerRoleResources>(services);
        Add<PatientResources>(services);
        Add<CareTeamResources>(services);
        Add<EncounterResources>(services);
        Add<QuestionnaireResources>(services);
        Add<QuestionnaireResponseResources>(services);
        Add<ObservationResources>(services);
        Add<FlagResources>(services);
        Add<ConsentResources>(services);
        Add<AuditEventResources>(services);
        services.AddScoped<FhirCatalog>();
        services.AddScoped<FhirCapabilities>();
        services.AddScoped<ReadFhirResource>();
        services.AddScoped<SearchFhirResources>();
        services.AddScoped<RecordQuestionnaireResponse>();
        services.AddScoped<AcknowledgeRiskFlag>();
        services.AddScoped<GetPatientEverything>();
        services.AddSingleton<Export.ExportSignal>();
        services.AddScoped<Export.StartExport>();
        services.AddScoped<Export.GetExportStatus>();
        services.AddScoped<Export.CancelExport>();
        services.AddScoped<Export.ReadExportFile>();
        services.AddScoped<Export.ExportQueue>();
        services.AddScoped<Export.RunExport>();
        return services;
    }

    private static void Add<T>(IServiceCollection services)
        where T : class, IFhirResources
    {
        services.AddScoped<T>();
        services.AddScoped<IFhirResources>(sp => sp.GetRequiredService<T>());
    }
}
