using Microsoft.EntityFrameworkCore;
using Rapport.Access;
using Rapport.Consents;
using Rapport.Insights;
using Rapport.Persistence;
using Rapport.Testimonials;
using Rapport.Testing;

namespace Rapport.Tests.Testimonials;

/// <summary>The demo's former clients (DemoData.FormerClients), named here beside the tests that use them.</summary>
internal static class FormerClients
{
    /// <summary>Therapist1's; ended about five months ago, no risk answer: past the three-month gap.</summary>
    public const string PastTheGap = "former1@harbour.example";

    /// <summary>Therapist1's; ended about a month ago: inside the gap.</summary>
    public const string InsideTheGap = "former2@harbour.example";

    /// <summary>Therapist1's; ended five months ago with a risk answer at the last session.</summary>
    public const string RiskInLastEpisode = "former3@harbour.example";
}

public sealed class TestimonialTests
{
    private const string Words = "Sam helped me see that the panic would pass. I can take the bus to Leeds again.";

    private static MyTestimonial Mine(RapportDb db) => new(db, new ConsentLedger(db, TimeProvider.System), TimeProvider.System);

    // A fresh cache per call: each test's database is its own, and the page's reading of testimonials is what is tested.
    private static GetPracticeStories Stories(RapportDb db) =>
        new(db, new GetInsights(db, TimeProvider.System), new Microsoft.Extensions.Caching.Memory.MemoryCache(new Microsoft.Extensions.Caching.Memory.MemoryCacheOptions()));

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task CurrentClient_IsNeverInvited_AndCannotSubmitOne(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.Open(await database.ViewerForAsync(Personas.Client1));

        var view = await Mine(db).HandleAsync();
        var submitted = await Mine(db).SubmitAsync(Words, consent: true);

        Assert.False(view!.MayShare);
        Assert.False(view.Invited);
        Assert.False(submitted.Succeeded);
        await using var system = database.Open(Viewer.System);
        Assert.Equal(0, await system.TestimonialInvitations.CountAsync());
        Assert.Equal(0, await system.Testimonials.CountAsync());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task FormerClient_PastTheGap_WritesPreviewsIsWarnedConsents_IsPublishedOnApproval_AndWithdrawingRemovesIt(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var author = await database.ViewerForAsync(FormerClients.PastTheGap);
        await using (var db = database.Open(author))
        {
            var view = await Mine(db).HandleAsync();
            Assert.True(view!.MayShare, view.WhyNot);
            Assert.True(view.Invited);
            Assert.True((await Mine(db).HandleAsync())!.Invited);

            var preview = await Mine(db).PreviewAsync(Words);
            Assert.Equal(Words, preview.Value!.Text);
            Assert.StartsWith("Shared by a former client, ", preview.Value.ShownAs, StringComparison.Ordinal);
            Assert.Contains(preview.Value.Details, d => d.Kind == "name" && d.Found == "Sam");
            Assert.Contains(preview.Value.Details, d => d.Kind == "place" && d.Found == "Leeds");

            var withoutConsent = await Mine(db).SubmitAsync(Words, consent: false);
            Assert.True(withoutConsent.Errors.ContainsKey("Consent"));
            Assert.Equal(0, await db.Testimonials.CountAsync());

            var sent = await Mine(db).SubmitAsync(Words, consent: true);
            Assert.True(sent.Succeeded, string.Join("; ", sent.Errors.Values));
            Assert.True(await new ConsentLedger(db, TimeProvider.System).HasAsync(author.ClientId!.Value, ConsentKind.Testimonial));
        }

        await using (var anonymous = database.Open(Viewer.Anonymous))
        {
            Assert.Empty((await Stories(anonymous).HandleAsync("harbour"))!.Testimonials);
        }

        Guid id;
        await using (var colleague = database.Open(await database.ViewerForAsync(Personas.Therapist2)))
        {
            Assert.Empty(await new ReviewTestimonials(colleague, TimeProvider.System).WaitingAsync());
            await using var system = database.Open(Viewer.System);
            id = await system.Testimonials.Select(t => t.Id).SingleAsync();
            Assert.True((await new ReviewTestimonials(colleague, TimeProvider.System).DecideAsync(id, publish: true)).NotFound);
        }

        await using (var admin = database.Open(await database.ViewerForAsync(Personas.HarbourAdmin)))
        {
            Assert.Equal(0, await admin.Testimonials.CountAsync());
        }

        await using (var therapist = database.Open(await database.ViewerForAsync(Personas.Therapist1)))
        {
            var review = new ReviewTestimonials(therapist, TimeProvider.System);
            var waiting = Assert.Single(await review.WaitingAsync());
            Assert.Equal(Words, waiting.Text);
            Assert.True((await review.DecideAsync(id, publish: true)).Succeeded);
        }

        await using (var anonymous = database.Open(Viewer.Anonymous))
        {
            var story = Assert.Single((await Stories(anonymous).HandleAsync("harbour"))!.Testimonials);
            Assert.Equal(Words, story.Text);
            Assert.StartsWith("Shared by a former client, ", story.ShownAs, StringComparison.Ordinal);
            Assert.Empty((await Stories(anonymous).HandleAsync("northside"))!.Testimonials);
        }

        await using (var db = database.Open(author))
        {
            Assert.True(await Mine(db).WithdrawAsync());
            Assert.False(await new ConsentLedger(db, TimeProvider.System).HasAsync(author.ClientId!.Value, ConsentKind.Testimonial));
        }

        await using (var anonymous = database.Open(Viewer.Anonymous))
        {
            Assert.Empty((await Stories(anonymous).HandleAsync("harbour"))!.Testimonials);
        }

        await using (var system = database.Open(Viewer.System))
        {
            var withdrawn = await system.Testimonials.SingleAsync();
            Assert.Equal(TestimonialStatus.Withdrawn, withdrawn.Status);
            Assert.Equal("", withdrawn.Text);
        }
    }

    [Theory]
    [InlineData(Rapport.Rights.RightsRequestKind.Erasure)]
    [InlineData(Rapport.Rights.RightsRequestKind.Restriction)]
    public async Task APublishedTestimonial_LeavesThePublicPage_WhenItsAuthorAsksForErasureOrRestriction(Rapport.Rights.RightsRequestKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var author = await database.ViewerForAsync(FormerClients.PastTheGap);
        await using (var db = database.Open(author))
        {
            Assert.True((await Mine(db).SubmitAsync(Words, consent: true)).Succeeded);
        }

        await using (var therapist = database.Open(await database.ViewerForAsync(Personas.Therapist1)))
        {
            var review = new ReviewTestimonials(therapist, TimeProvider.System);
            Assert.True((await review.DecideAsync(Assert.Single(await review.WaitingAsync()).Id, publish: true)).Succeeded);
        }

        await using (var anonymous = database.Open(Viewer.Anonymous))
        {
            Assert.Single((await Stories(anonymous).HandleAsync("harbour"))!.Testimonials);
        }

        await using (var db = database.Open(author))
        {
            Assert.True((await new Rapport.Rights.RequestErasureOrRestriction(db, TimeProvider.System).HandleAsync(kind, null)).Succeeded);
        }

        await using (var anonymous = database.Open(Viewer.Anonymous))
        {
            Assert.Empty((await Stories(anonymous).HandleAsync("harbour"))!.Testimonials);
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task InsideTheGap_OrAfterARiskAlert_NoInvitation_AndNoTestimonial(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        foreach (var who in new[] { FormerClients.InsideTheGap, FormerClients.RiskInLastEpisode })
        {
            await using var db = database.Open(await database.ViewerForAsync(who));
            var view = await Mine(db).HandleAsync();
            Assert.False(view!.MayShare, who);
            Assert.False(view.Invited, who);
            Assert.False((await Mine(db).SubmitAsync(Words, consent: true)).Succeeded, who);
        }

        await using var system = database.Open(Viewer.System);
        Assert.Equal(0, await system.TestimonialInvitations.CountAsync());
        Assert.Equal(0, await system.Testimonials.CountAsync());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task UnderTheNeverInviteSetting_NoInvitationIsEverCreated_ButAFormerClientMayVolunteer(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using (var system = database.Open(Viewer.System))
        {
            await system.Practices.ExecuteUpdateAsync(p => p.SetProperty(x => x.TestimonialsNeverInvite, true));
        }

        for (var n = 1; n <= 27; n++)
        {
            await using var db = database.Open(await database.ViewerForAsync($"former{n}@harbour.example"));
            var view = await Mine(db).HandleAsync();
            Assert.False(view!.Invited);
            Assert.True(view.PracticeNeverInvites);
        }

        await using (var db = database.Open(await database.ViewerForAsync(FormerClients.PastTheGap)))
        {
            var sent = await Mine(db).SubmitAsync("It helped to be listened to.", consent: true);
            Assert.True(sent.Succeeded);
        }

        await using (var system = database.Open(Viewer.System))
        {
            Assert.Equal(0, await system.TestimonialInvitations.CountAsync());
            Assert.False((await system.Testimonials.SingleAsync()).Invited);
        }
    }

    [Fact]
    public async Task TheWords_AreEncryptedAtRest()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using (var db = database.Open(await database.ViewerForAsync(FormerClients.PastTheGap)))
        {
            Assert.True((await Mine(db).SubmitAsync(Words, consent: true)).Succeeded);
        }

        await using var system = database.Open(Viewer.System);
        var raw = await system.Database.SqlQueryRaw<string>("SELECT \"Text\" AS \"Value\" FROM \"Testimonials\"").ToListAsync();
        var stored = Assert.Single(raw);
        Assert.DoesNotContain("panic", stored, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(Words, (await system.Testimonials.SingleAsync()).Text);
    }

    [Theory]
    [InlineData("My therapist listened and I felt understood.", 0)]
    [InlineData("I'm 34 and work at Tesco in Harrogate.", 3)]
    [InlineData("Since March 2025 I have slept better; email me at a@b.org.", 3)]
    public void TheDetector_FlagsNamesPlacesDatesEmployersAgesAndContacts(string text, int expected)
    {
        var found = IdentifyingDetails.Find(text, ["Priya Nair"]);
        Assert.Equal(expected, found.Count);
    }

    [Fact]
    public void TheDetector_KnowsThePracticesNames_AndSaysWhatToDo()
    {
        var found = IdentifyingDetails.Find("Priya was kind.", ["Priya Nair"]);
        var name = Assert.Single(found);
        Assert.Equal("name", name.Kind);
        Assert.Contains("Remove the name \"Priya\"", name.Suggestion, StringComparison.Ordinal);
    }

    [Fact]
    public void SuccessStories_RoundCountsToFive_AndLeaveOutSmallCells()
    {
        var figures = new List<Figure>
        {
            new("Reliable improvement", FigureKind.Percent, 23, new Clinical.Insights.Estimate(14 / 23.0, 0.41, 0.78, 23), null),
            new("Recovery (of those at caseness at the start)", FigureKind.Percent, 8, null, "not enough finished episodes (n = 8; at least 10 needed)"),
        };
        var practice = new ProviderInsights("The practice", 30, 27, 23, figures, [], 0, null);
        var stories = GetPracticeStories.Success(practice, 10);
        Assert.Equal("About 25 people finished a course of therapy.", stories[0].Words);
        Assert.Contains("About 60 % improved", stories[1].Words, StringComparison.Ordinal);
        Assert.Contains("40 % to 80 %", stories[1].Words, StringComparison.Ordinal);
        Assert.Equal(2, stories.Count);
        Assert.Empty(GetPracticeStories.Success(practice with { Finished = 4 }, 10));
    }
}
