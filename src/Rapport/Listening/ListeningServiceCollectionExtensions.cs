using Microsoft.Extensions.DependencyInjection;

namespace Rapport.Listening;

public static class ListeningServiceCollectionExtensions
{
    /// <summary>The features of session transcripts and their analysis in the background.</summary>
    public static IServiceCollection AddListening(this IServiceCollection services)
    {
        services.AddScoped<UploadTranscript>();
        services.AddScoped<ListeningReviews>();
        services.AddSingleton<TranscriptAnalysisQueue>();
        services.AddSingleton<ListeningCoder>();
        services.AddHostedService<TranscriptAnalysisWorker>();
        return services;
    }
}
