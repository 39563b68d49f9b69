using Microsoft.EntityFrameworkCore;
using Rapport.Access;
using Rapport.Administration;
using Rapport.Audit;
using Rapport.Insights;
using Rapport.Persistence;
using Rapport.Testimonials;
using Rapport.Testing;
using Rapport.Tests.Testimonials;

namespace Rapport.Tests.Administration;

/// <summary>
/// The practice admin's insights and testimonial settings: minimum n (default 10, never below 5), the gap after an
/// episode ends (default 3 months) and never inviting (ACA C.3.b); bad input says why and changes nothing; each change
/// is audited and takes effect where the rule is applied.
/// </summary>
public sealed class OutcomeSharingTests
{
    private static async Task<(int MinimumN, int Gap, bool NeverInvite)> HarbourAsync(TestDatabase database)
    {
        await using var system = database.Open(Viewer.System);
        var harbour = await system.Practices.SingleAsync(p => p.Slug == "harbour");
        return (harbour.InsightsMinimumN, harbour.TestimonialGapMonths, harbour.TestimonialsNeverInvite);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Admin_SeesTheDefaults_AndBadValuesAreRefusedInPlainWords_ChangingNothing(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var admin = await database.As(Personas.HarbourAdmin);
        var update = admin.Get<UpdateOutcomeSharing>();

        var loaded = (await update.LoadAsync())!;
        Assert.Equal((10, 3, false), (loaded.InsightsMinimumN, loaded.TestimonialGapMonths, loaded.TestimonialsNeverInvite));

        var tooLow = await update.HandleAsync(new UpdateOutcomeSharing.Form { InsightsMinimumN = 4, TestimonialGapMonths = 0, TestimonialsNeverInvite = true });
        Assert.False(tooLow.Succeeded);
        Assert.StartsWith("The minimum cannot be lower than 5", tooLow.Errors[nameof(UpdateOutcomeSharing.Form.InsightsMinimumN)], StringComparison.Ordinal);
        Assert.StartsWith("Enter a number of months from 1 to 60", tooLow.Errors[nameof(UpdateOutcomeSharing.Form.TestimonialGapMonths)], StringComparison.Ordinal);

        var missing = await update.HandleAsync(new UpdateOutcomeSharing.Form { InsightsMinimumN = null, TestimonialGapMonths = null });
        Assert.StartsWith("Enter the fewest finished episodes", missing.Errors[nameof(UpdateOutcomeSharing.Form.InsightsMinimumN)], StringComparison.Ordinal);
        Assert.StartsWith("Enter how many months", missing.Errors[nameof(UpdateOutcomeSharing.Form.TestimonialGapMonths)], StringComparison.Ordinal);

        var tooHigh = await update.HandleAsync(new UpdateOutcomeSharing.Form { InsightsMinimumN = 1000, TestimonialGapMonths = 61 });
        Assert.Equal("Enter a number from 5 to 100.", tooHigh.Errors[nameof(UpdateOutcomeSharing.Form.InsightsMinimumN)]);
        Assert.True(tooHigh.Errors.ContainsKey(nameof(UpdateOutcomeSharing.Form.TestimonialGapMonths)));

        // One bad field keeps the good one from being saved too.
        var half = await update.HandleAsync(new UpdateOutcomeSharing.Form { InsightsMinimumN = 5, TestimonialGapMonths = 0, TestimonialsNeverInvite = true });
        Assert.False(half.Succeeded);
        Assert.Equal((10, 3, false), await HarbourAsync(database));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task OnlyTheAdmin_ChangesOnlyTheirOwnPractice_AndTheChangeIsAudited(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var form = new UpdateOutcomeSharing.Form { InsightsMinimumN = 5, TestimonialGapMonths = 6, TestimonialsNeverInvite = true };
        foreach (var outsider in new[] { Personas.Supervisor, Personas.Therapist1, Personas.Client1, Personas.NorthsideTherapist })
        {
            await using var scope = await database.As(outsider);
            var outcome = await scope.Get<UpdateOutcomeSharing>().HandleAsync(form);
            if (outsider == Personas.NorthsideTherapist)
            {
                Assert.True(outcome.Succeeded, "Northside's admin sets Northside's own settings");
            }
            else
            {
                Assert.True(outcome.NotFound, $"{outsider} may not change the practice's settings");
            }
        }

        Assert.Equal((10, 3, false), await HarbourAsync(database));

        await using (var admin = await database.As(Personas.HarbourAdmin))
        {
            Assert.True((await admin.Get<UpdateOutcomeSharing>().HandleAsync(form)).Succeeded);
        }

        Assert.Equal((5, 6, true), await HarbourAsync(database));
        var adminUser = (await database.ViewerForAsync(Personas.HarbourAdmin)).UserId;
        await using var system = database.Open(Viewer.System);
        var harbourId = await system.Practices.Where(p => p.Slug == "harbour").Select(p => p.Id).SingleAsync();
        Assert.Contains(await system.AuditEntries.Where(a => a.PracticeId == harbourId && a.RecordId == harbourId.ToString()).ToListAsync(),
            a => a.Action == AuditAction.Update && a.UserId == adminUser);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task TheSettings_TakeEffect_InInsightsAndInvitations(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);

        // Tom Lindqvist finished 4 courses: hidden at the default 10 and at 5 alike; the page says which minimum applies.
        await using (var admin = await database.As(Personas.HarbourAdmin))
        {
            Assert.True((await admin.Get<UpdateOutcomeSharing>().HandleAsync(new() { InsightsMinimumN = 5, TestimonialGapMonths = 3 })).Succeeded);
            var insights = admin.Get<GetInsights>();
            var view = (await insights.HandleAsync(insights.ParsePeriod(null, null).Value!)).Value!;
            Assert.Equal(5, view.MinimumN);
            Assert.Contains("at least 5 needed", view.Therapists.Single(t => t.Label == "Tom Lindqvist").Figures.First(f => f.HiddenBecause is not null).HiddenBecause, StringComparison.Ordinal);
        }

        // former1 ended about five months ago: past a 3-month gap, inside a 6-month one.
        var author = await database.ViewerForAsync(FormerClients.PastTheGap);
        await using (var admin = await database.As(Personas.HarbourAdmin))
        {
            Assert.True((await admin.Get<UpdateOutcomeSharing>().HandleAsync(new() { InsightsMinimumN = 10, TestimonialGapMonths = 6 })).Succeeded);
        }

        await using (var scope = database.As(author))
        {
            var view = (await scope.Get<MyTestimonial>().HandleAsync())!;
            Assert.False(view.MayShare);
            Assert.False(view.Invited);
        }

        await using (var system = database.Open(Viewer.System))
        {
            Assert.False(await system.TestimonialInvitations.AnyAsync(i => i.ClientId == author.ClientId));
        }

        // Back to 3 months: invited. Then never-invite: the invitation already made is no longer shown, though the
        // former client may still volunteer.
        await using (var admin = await database.As(Personas.HarbourAdmin))
        {
            Assert.True((await admin.Get<UpdateOutcomeSharing>().HandleAsync(new() { InsightsMinimumN = 10, TestimonialGapMonths = 3 })).Succeeded);
        }

        await using (var scope = database.As(author))
        {
            Assert.True((await scope.Get<MyTestimonial>().HandleAsync())!.Invited);
        }

        await using (var admin = await database.As(Personas.HarbourAdmin))
        {
            Assert.True((await admin.Get<UpdateOutcomeSharing>().HandleAsync(new() { InsightsMinimumN = 10, TestimonialGapMonths = 3, TestimonialsNeverInvite = true })).Succeeded);
        }

        await using (var scope = database.As(author))
        {
            var view = (await scope.Get<MyTestimonial>().HandleAsync())!;
            Assert.False(view.Invited);
            Assert.True(view.MayShare, view.WhyNot);
            Assert.True(view.PracticeNeverInvites);
        }
    }
}
