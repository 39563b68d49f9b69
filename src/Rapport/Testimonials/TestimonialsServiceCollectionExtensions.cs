using Microsoft.Extensions.DependencyInjection;

namespace Rapport.Testimonials;

public static class TestimonialsServiceCollectionExtensions
{
    /// <summary>The features of former clients' testimonials and the practice's public stories.</summary>
    public static IServiceCollection AddTestimonials(this IServiceCollection services)
    {
        services.AddScoped<MyTestimonial>();
        services.AddScoped<ReviewTestimonials>();
        services.AddScoped<GetPracticeStories>();
        services.AddMemoryCache();
        return services;
    }
}
