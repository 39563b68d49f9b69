using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Rapport.Administration;
using Rapport.Audit;
using Rapport.BreakGlass;
using Rapport.Alerts;
using Rapport.Caseload;
using Rapport.CheckIns;
using Rapport.Clients;
using Rapport.Consents;
using Rapport.Listening;
using Rapport.Demo;
using Rapport.Fhir;
using Rapport.Invitations;
using Rapport.MyCare;

namespace Rapport;

public static class RapportServices
{
    /// <summary>The application's features: small classes, one job each, using the database directly.</summary>
    public static IServiceCollection AddRapportFeatures(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddScoped<GetCaseload>();
        services.AddSingleton<Progress.ExpectedModelCache>();
        services.AddScoped<GetClientRecord>();
        services.AddScoped<GetMyCare>();
        services.AddScoped<ExportMyRecord>();
        services.AddScoped<Rights.RequestErasureOrRestriction>();
        services.AddScoped<GetPracticeOverview>();
        services.AddScoped<InviteStaff>();
        services.AddScoped<Staff.ChangeStaffAccess>();
        services.AddScoped<InviteClient>();
        services.AddScoped<AcceptInvitation>();
        services.AddScoped<UpdateCrisisHelp>();
        services.AddScoped<GetCheckIn>();
        services.AddScoped<AnswerQuestion>();
        services.AddScoped<SubmitResponse>();
        services.AddScoped<LeaveNote>();
        services.AddScoped<FinishCheckIn>();
        services.AddScoped<AcknowledgeRiskAlert>();
        services.AddScoped<GetClientNotes>();
        services.AddScoped<MarkClientNotesRead>();
        services.AddScoped<DemoData>();
        services.AddScoped<ConsentLedger>();
        services.AddScoped<UploadTranscript>();
        services.AddScoped<ListeningReviews>();
        services.AddSingleton<TranscriptAnalysisQueue>();
        services.AddSingleton<ListeningCoder>();
        services.AddHostedService<TranscriptAnalysisWorker>();
        services.AddScoped<AuditContext>();
        services.AddScoped<AuditTrail>();
        services.AddScoped<GetRecordAccess>();
        services.AddScoped<OpenBreakGlass>();
        services.TryAddSingleton(sp => new Measures.InstrumentSource(Measures.InstrumentSource.FolderFor(
            Persistence.RapportDatabase.ReadOptions(sp.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>()))));
        services.AddScoped<Goals.SetGoal>();
        services.AddScoped<Goals.EditGoal>();
        services.AddScoped<Goals.GetClientGoals>();
        services.AddScoped<Preferences.GetPreferenceProfile>();
        services.AddScoped<GetWhatIShared>();
        services.AddScoped<Episodes.GetEpisodeView>();
        services.AddScoped<Sessions.RecordSession>();
        services.AddScoped<Accounts.SignInPolicy>();
        services.AddScoped<Reminders.ChangeReminders>();
        services.AddScoped<Measures.EditMeasurementPlan>();
        services.AddScoped<InRoom.StartInRoomCheckIn>();
        services.AddScoped<InRoom.RedeemInRoomPass>();
        services.AddScoped<Administration.UpdateReminderHours>();
        services.AddFhir();
        return services;
    }
}
