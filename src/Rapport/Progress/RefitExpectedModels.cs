using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Rapport.Clinical.ExpectedResponse;
using Rapport.Clinical.Instruments;
using Rapport.Episodes;
using Rapport.Persistence;
using Rapport.Audit;

namespace Rapport.Progress;

/// <summary>
/// Background work: for each practice and outcome instrument, reads the practice's own finished episodes and stores the
/// model <see cref="ExpectedResponseModel.ForPractice"/> gives (a per-session regression with a calibrated band once there
/// are <see cref="ExpectedResponseModel.EpisodesNeededToRefit"/>, else the documented default). Idempotent: a practice
/// checked less than <c>refreshAfter</c> ago is left alone, so a restart or a second instance does not refit, and each
/// practice and instrument keeps one row. Never one practice's episodes in another's model: every read names the practice.
/// </summary>
[NotAudited("Refits from numbers only, as the system viewer (decision 0007)")]
public sealed class RefitExpectedModels(RapportDb db, TimeProvider clock, ExpectedModelCache cache)
{
    public static readonly TimeSpan DefaultRefreshAfter = TimeSpan.FromHours(24);

    /// <summary>How many practice-instrument pairs got a fitted model, kept the default, or were still fresh.</summary>
    public sealed record Result(int Fitted, int Default, int Fresh);

    public async Task<Result> HandleAsync(TimeSpan? refreshAfter = null, CancellationToken cancellationToken = default)
    {
        if (!db.Viewer.IsSystem)
        {
            throw new InvalidOperationException("Refitting expected-response models is background work: it runs as the system.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var due = now - (refreshAfter ?? DefaultRefreshAfter);
        var practices = await db.Practices.AsNoTracking().OrderBy(p => p.Id).Select(p => p.Id).ToListAsync(cancellationToken);
        int fitted = 0, kept = 0, fresh = 0;
        foreach (var practiceId in practices)
        {
            var changed = false;
            foreach (var instrumentId in EpisodeProgress.OutcomeInstruments)
            {
                var stored = await db.PracticeExpectedModels
                    .FirstOrDefaultAsync(m => m.PracticeId == practiceId && m.InstrumentId == instrumentId, cancellationToken);
                if (stored is not null && stored.CheckedAt > due)
                {
                    fresh++;
                    continue;
                }

                var instrument = InstrumentCatalog.Get(instrumentId);
                var series = await FinishedSeriesAsync(practiceId, instrumentId, cancellationToken);
                var model = ExpectedResponseModel.ForPractice(instrument, series);
                if (stored is null)
                {
                    stored = new PracticeExpectedModel { PracticeId = practiceId, InstrumentId = instrumentId, Description = "" };
                    db.PracticeExpectedModels.Add(stored);
                }

                stored.Episodes = series.Count;
                stored.CheckedAt = now;
                if (model is RegressionModel regression)
                {
                    stored.FittedAt = now;
                    stored.Tolerance = regression.Tolerance;
                    stored.ParametersJson = regression.ToParameters().ToJson();
                    stored.Description = regression.Source;
                    fitted++;
                }
                else
                {
                    stored.FittedAt = null;
                    stored.Tolerance = null;
                    stored.ParametersJson = null;
                    stored.Description = string.Create(CultureInfo.InvariantCulture,
                        $"{series.Count} finished episodes; {ExpectedResponseModel.EpisodesNeededToRefit} are needed to fit the practice's own model, so the assumed default is used");
                    kept++;
                }

                changed = true;
            }

            if (changed && await SaveAsync(cancellationToken))
            {
                cache.Forget(practiceId);
            }
        }

        return new Result(fitted, kept, fresh);
    }

    /// <summary>
    /// One series per member of each ended episode of this practice: the instrument's totals in the order given, when
    /// there are at least two (an intake and a later score). Couples, families and groups give one series per member.
    /// </summary>
    internal async Task<List<EpisodeSeries>> FinishedSeriesAsync(Guid practiceId, string instrumentId, CancellationToken cancellationToken)
    {
        // The system viewer passes the tenant filter, so the practice is named here, on the answers and on their episode.
        var answers = await db.MeasureResponses.AsNoTracking()
            .Where(r => r.PracticeId == practiceId && r.InstrumentId == instrumentId && r.Total != null)
            .Where(r => r.Episode!.PracticeId == practiceId && r.Episode.Status == EpisodeStatus.Ended)
            .OrderBy(r => r.SubmittedAt)
            .Select(r => new { r.EpisodeId, r.ClientId, Total = r.Total!.Value })
            .ToListAsync(cancellationToken);
        return [.. answers
            .GroupBy(a => (a.EpisodeId, a.ClientId))
            .Where(g => g.Count() >= 2)
            .OrderBy(g => g.Key.EpisodeId).ThenBy(g => g.Key.ClientId)
            .Select(g => new EpisodeSeries($"{g.Key.EpisodeId:N}/{g.Key.ClientId:N}", [.. g.Select(a => (double)a.Total)]))];
    }

    private async Task<bool> SaveAsync(CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException)
        {
            // Another instance stored this practice's model first (unique practice + instrument, or a newer version):
            // theirs is as good as ours, so keep it.
            db.ChangeTracker.Clear();
            return false;
        }
    }
}
