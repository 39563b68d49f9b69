using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Rapport.Audit;
using Rapport.Insights;
using Rapport.Persistence;

namespace Rapport.Testimonials;

/// <summary>
/// A practice's public page of stories, without a sign-in: the testimonials its former clients chose to publish (words
/// and month only) and success stories that are the practice's aggregate outcomes over the last year, with every count
/// rounded to the nearest 5 and any figure resting on fewer than the practice's minimum left out. Never one person's data.
/// Anyone may ask for it, so the costly part (the practice's outcome figures over a year of episodes) is kept in memory
/// for <see cref="SuccessStoriesFor"/>; the testimonials are read fresh on every request (one indexed query), so a
/// withdrawal, an erasure or a restriction removes one from every instance's page at once, with nothing to invalidate.
/// </summary>
[NotAudited("Public: testimonials their authors consented to publish (no name, no id) and the practice's rounded, suppressed aggregate outcomes")]
public sealed class GetPracticeStories(RapportDb db, GetInsights insights, IMemoryCache cache)
{
    /// <summary>
    /// How long the success stories are reused. They are rounded to 5 over whole months, so a few minutes' lag cannot
    /// be told apart from no lag; it bounds how long a finished course takes to count.
    /// </summary>
    public static readonly TimeSpan SuccessStoriesFor = TimeSpan.FromMinutes(5);

    public sealed record Story(string Text, string ShownAs);

    /// <summary>One aggregate line: "About 25 people finished a course of therapy; 60 % of them improved reliably (95 % interval 45 % to 75 %)."</summary>
    public sealed record SuccessStory(string Words);

    public sealed record View(string PracticeName, string Slug, IReadOnlyList<Story> Testimonials, IReadOnlyList<SuccessStory> SuccessStories, string Period);

    public async Task<View?> HandleAsync(string slug, CancellationToken cancellationToken = default)
    {
        var practice = await db.Practices.AsNoTracking().Where(p => p.Slug == slug).Select(p => new { p.Id, p.Name, p.Slug }).FirstOrDefaultAsync(cancellationToken);
        if (practice is null)
        {
            return null;
        }

        var published = await db.PublishedTestimonialsOf(practice.Id).AsNoTracking()
            .OrderByDescending(t => t.DecidedAt)
            .Select(t => new { t.Text, t.WrittenAt })
            .ToListAsync(cancellationToken);
        var period = insights.DefaultPeriod();
        // Keyed by the period too, so the first request of a new month computes the new year's figures.
        var success = await cache.GetOrCreateAsync(("practice-success-stories", practice.Id, period.From, period.To), async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = SuccessStoriesFor;
            var figures = await insights.PublicPracticeAsync(practice.Id, period, cancellationToken);
            return figures is { } f ? Success(f.Practice, f.MinimumN) : [];
        }) ?? [];
        return new View(
            practice.Name,
            practice.Slug,
            [.. published.Select(t => new Story(t.Text, MyTestimonial.ShownAs(t.WrittenAt)))],
            success,
            $"{period.From:d MMMM yyyy} to {period.To:d MMMM yyyy}");
    }

    /// <summary>Counts rounded to the nearest 5 (never shown below the minimum), percentages to the nearest 5.</summary>
    public static IReadOnlyList<SuccessStory> Success(ProviderInsights practice, int minimum)
    {
        ArgumentNullException.ThrowIfNull(practice);
        var stories = new List<SuccessStory>();
        if (practice.Finished < minimum)
        {
            return stories;
        }

        stories.Add(new($"About {Round5(practice.Finished)} people finished a course of therapy."));
        foreach (var (name, words) in new[]
        {
            ("Reliable improvement", "improved by more than measurement error alone would explain (reliable improvement)"),
            ("Recovery (of those at caseness at the start)", "of those who started with clinical levels of depression or anxiety moved below them (recovery)"),
        })
        {
            if (practice.Figures.FirstOrDefault(x => x.Name == name) is { Estimate: { } e } && e.N >= minimum)
            {
                stories.Add(new(string.Create(CultureInfo.InvariantCulture,
                    $"About {Percent5(e.Value)} {words}; the 95 % interval is {Percent5(e.Lower)} to {Percent5(e.Upper)}, from about {Round5(e.N)} people.")));
            }
        }

        return stories;
    }

    private static int Round5(int n) => Math.Max(5, (int)Math.Round(n / 5.0, MidpointRounding.AwayFromZero) * 5);

    private static string Percent5(double p) => string.Create(CultureInfo.InvariantCulture, $"{(int)Math.Round(p * 20, MidpointRounding.AwayFromZero) * 5} %");
}
