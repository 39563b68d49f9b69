using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Clinical.ExpectedResponse;
using Rapport.Clinical.Instruments;
using Rapport.Clinical.Simulation;
using Rapport.Progress;
using Rapport.Web.Tests.Support;

namespace Rapport.Web.Tests.Pages;

/// <summary>The therapist's chart says whose expected band it draws: the practice's fitted model or the assumed default.</summary>
public sealed class ExpectedModelPageTests
{
    [Fact]
    public async Task ClientPage_SaysTheBandIsAssumed_UntilThePracticeHasAFittedModel_ThenSaysWhatItWasFittedOn()
    {
        using var app = new RapportApp();
        var clientId = await app.ClientIdAsync(Personas.Client2);
        using var therapist = await app.SignedInWithCookieAsync(Personas.Therapist1);
        var page = new Uri($"/clients/{clientId}", UriKind.Relative);

        var before = await therapist.GetStringAsync(page);
        Assert.Contains("(assumed, not fitted).", before, StringComparison.Ordinal);
        Assert.DoesNotContain("Band: fitted on", before, StringComparison.Ordinal);

        // What the background refit stores for a practice with 400 finished PHQ-9 episodes.
        var phq9 = InstrumentCatalog.Get("phq-9");
        var model = (RegressionModel)ExpectedResponseModel.ForPractice(phq9, [.. OutcomeCohort.Generate(phq9, 400, 2).Select(e => e.Series)]);
        var fittedAt = new DateTime(2026, 11, 2, 3, 0, 0, DateTimeKind.Utc);
        Guid practiceId;
        await using (var db = app.SystemDb())
        {
            practiceId = await db.Practices.Where(p => p.Slug == "harbour").Select(p => p.Id).SingleAsync();
            db.PracticeExpectedModels.Add(new PracticeExpectedModel
            {
                PracticeId = practiceId, InstrumentId = phq9.Id, Episodes = 400, CheckedAt = fittedAt, FittedAt = fittedAt,
                Tolerance = model.Tolerance, Description = model.Source, ParametersJson = model.ToParameters().ToJson(),
            });
            await db.SaveChangesAsync();
        }

        // Another instance stored it: this one sees it when its short cache expires (here: at once).
        app.Services.GetRequiredService<ExpectedModelCache>().Forget(practiceId);
        var after = await therapist.GetStringAsync(page);

        Assert.Contains("Band: fitted on 400 finished episodes at this practice on 2 Nov 2026: per-session regression", after, StringComparison.Ordinal);
        // GAD-7 has no fitted model: its band is still the assumed default.
        Assert.Contains("(assumed, not fitted).", after, StringComparison.Ordinal);
    }
}
