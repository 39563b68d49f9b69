using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Rapport.Listening;

public static class ListeningServiceCollectionExtensions
{
    /// <summary>The features of session transcripts and their analysis in the background.</summary>
    public static IServiceCollection AddListening(this IServiceCollection services)
    {
        services.AddScoped<UploadTranscript>();
        services.AddScoped<ListeningReviews>();
        services.AddSingleton<TranscriptAnalysisQueue>();
        services.AddSingleton(sp => new ListeningCoder(
            ListeningCoder.ConfiguredMode(sp.GetService<IConfiguration>()?["Listening:Mode"]),
            sp.GetService<ILogger<ListeningCoder>>()));
        services.AddHostedService<TranscriptAnalysisWorker>();
        return services;
    }
}
