using Microsoft.Extensions.DependencyInjection;

namespace Rapport.CheckIns;

public static class CheckInsServiceCollectionExtensions
{
    /// <summary>The features of a client's check-in and the notes they leave.</summary>
    public static IServiceCollection AddCheckIns(this IServiceCollection services)
    {
        services.AddScoped<GetCheckIn>();
        services.AddScoped<AnswerQuestion>();
        services.AddScoped<SubmitResponse>();
        services.AddScoped<FinishCheckIn>();
        services.AddScoped<LeaveNote>();
        services.AddScoped<GetClientNotes>();
        services.AddScoped<MarkClientNotesRead>();
        return services;
    }
}
