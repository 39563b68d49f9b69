using System.Net;
using Microsoft.AspNetCore.Hosting;
using Rapport.Testimonials;
using Rapport.Web.Tests.Support;

namespace Rapport.Web.Tests.Pages;

/// <summary>
/// A practice's public stories page and its JSON feed (issue 14): served to anyone, limited per address like the other
/// public endpoints, and a withdrawn testimonial is gone from both on the very next request, though the success stories
/// beside it are reused from memory.
/// </summary>
public sealed class StoriesPageTests : IDisposable
{
    private const string Author = "former1@harbour.example";
    private const string Words = "Talking every week gave me my evenings back.";

    private readonly RapportApp _app = new();

    private async Task PublishAsync()
    {
        await using (var author = await _app.As(Author))
        {
            var sent = await author.Get<MyTestimonial>().SubmitAsync(Words, consent: true);
            Assert.True(sent.Succeeded, string.Join("; ", sent.Errors.Values));
        }

        await using var therapist = await _app.As(Personas.Therapist1);
        var review = therapist.Get<ReviewTestimonials>();
        var waiting = Assert.Single(await review.WaitingAsync());
        Assert.True((await review.DecideAsync(waiting.Id, publish: true)).Succeeded);
    }

    [Fact]
    public async Task AWithdrawnTestimonial_IsGoneFromThePageAndTheFeed_OnTheNextRequest()
    {
        using var visitor = _app.Anonymous();
        // Read once before publishing: the success stories are now in memory, and must not hold the testimonials back.
        Assert.DoesNotContain(Words, await visitor.GetStringAsync(new Uri("/practices/harbour/stories", UriKind.Relative)), StringComparison.Ordinal);

        await PublishAsync();
        var page = await visitor.GetStringAsync(new Uri("/practices/harbour/stories", UriKind.Relative));
        Assert.Contains(Words, page, StringComparison.Ordinal);
        Assert.Contains("people finished a course of therapy", page, StringComparison.Ordinal);
        Assert.Contains(Words, await visitor.GetStringAsync(new Uri("/practices/harbour/stories.json", UriKind.Relative)), StringComparison.Ordinal);

        await using (var author = await _app.As(Author))
        {
            Assert.True(await author.Get<MyTestimonial>().WithdrawAsync());
        }

        page = await visitor.GetStringAsync(new Uri("/practices/harbour/stories", UriKind.Relative));
        Assert.DoesNotContain(Words, page, StringComparison.Ordinal);
        Assert.Contains("id=\"no-testimonials\"", page, StringComparison.Ordinal);
        Assert.Contains("people finished a course of therapy", page, StringComparison.Ordinal);
        Assert.DoesNotContain(Words, await visitor.GetStringAsync(new Uri("/practices/harbour/stories.json", UriKind.Relative)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ThePageAndItsFeed_ShareAPerAddressBudget_AndAnswer429WithRetryAfterPastIt()
    {
        using var limited = _app.WithWebHostBuilder(b => b.UseSetting("RateLimits:PublicReadPerMinute", "4"));
        using var visitor = limited.CreateClient();
        var statuses = new List<HttpStatusCode>();
        foreach (var path in new[] { "/practices/harbour/stories", "/practices/harbour/stories.json", "/practices/harbour/stories", "/practices/harbour/stories.json" })
        {
            using var response = await visitor.GetAsync(new Uri(path, UriKind.Relative));
            statuses.Add(response.StatusCode);
        }

        using var page = await visitor.GetAsync(new Uri("/practices/harbour/stories", UriKind.Relative));
        using var feed = await visitor.GetAsync(new Uri("/practices/harbour/stories.json", UriKind.Relative));
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, page.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, feed.StatusCode);
        Assert.NotNull(page.Headers.RetryAfter);

        // Signed-in pages are not on this budget.
        using var status = await visitor.GetAsync(new Uri("/Account/Login", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
    }

    public void Dispose() => _app.Dispose();
}
