using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Rapport.Access;
using Rapport.Accounts;
using Rapport.Administration;
using Rapport.Alerts;
using Rapport.Audit;
using Rapport.BreakGlass;
using Rapport.Caseload;
using Rapport.CheckIns;
using Rapport.Clients;
using Rapport.Consents;
using Rapport.Demo;
using Rapport.Episodes;
using Rapport.Fhir;
using Rapport.Goals;
using Rapport.InRoom;
using Rapport.Invitations;
using Rapport.Listening;
using Rapport.Matching;
using Rapport.Measures;
using Rapport.MyCare;
using Rapport.Insights;
using Rapport.Preferences;
using Rapport.Progress;
using Rapport.Reminders;
using Rapport.Rights;
using Rapport.Sessions;
using Rapport.Staff;
using Rapport.Systems;
using Rapport.Testimonials;

namespace Rapport;

public static class RapportServices
{
    /// <summary>
    /// The application's features: small classes, one job each, using the database directly. Each feature folder
    /// registers its own (<c>CheckIns/CheckInsServiceCollectionExtensions.cs</c>, …); a new feature is added there.
    /// </summary>
    public static IServiceCollection AddRapportFeatures(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddScoped<ScopeViewer>();
        return services
            .AddAudit()
            .AddCaseload()
            .AddProgress()
            .AddClients()
            .AddMyCare()
            .AddRights()
            .AddAdministration()
            .AddInvitations()
            .AddCheckIns()
            .AddAlerts()
            .AddDemo()
            .AddConsents()
            .AddListening()
            .AddBreakGlass()
            .AddMeasures()
            .AddGoals()
            .AddPreferences()
            .AddInsights()
            .AddTestimonials()
            .AddMatching()
            .AddEpisodes()
            .AddSessions()
            .AddReminders()
            .AddInRoom()
            .AddAccounts()
            .AddStaff()
            .AddSystems()
            .AddFhir();
    }
}
