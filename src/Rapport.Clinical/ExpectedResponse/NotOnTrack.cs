namespace Rapport.Clinical.ExpectedResponse;

/// <summary>The not-on-track judgement for one episode at its latest session.</summary>
/// <param name="OffTrack">Whether any session after intake left the band on the worse side.</param>
/// <param name="FirstOffTrackSession">The first session that did, if any.</param>
/// <param name="LatestBand">The band at the latest session.</param>
/// <param name="LatestScore">The latest score.</param>
/// <param name="Source">The model the band came from.</param>
public sealed record NotOnTrackResult(bool OffTrack, int? FirstOffTrackSession, ExpectedBand LatestBand, double LatestScore, string Source);

/// <summary>
/// Not-on-track alarm (Lambert et al.; Finch et al. 2001): a score leaves the expected band for the client's intake
/// severity on the worse side. The alarm informs the therapist; it decides nothing (human in the loop).
/// </summary>
public static class NotOnTrack
{
    /// <summary>Evaluates an episode's scores (index 0 = intake) up to <paramref name="throughSession"/> (all when null).</summary>
    public static NotOnTrackResult Evaluate(ExpectedResponseModel model, ReadOnlySpan<double> scores, int? throughSession = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (scores.IsEmpty)
        {
            throw new ArgumentException("an episode needs at least an intake score", nameof(scores));
        }

        var last = Math.Min(scores.Length, throughSession ?? scores.Length);
        var intake = scores[0];
        int? first = null;
        for (var t = 2; t <= last; t++)
        {
            if (model.IsOffTrack(intake, t, scores[t - 1]))
            {
                first = t;
                break;
            }
        }

        return new NotOnTrackResult(first is not null, first, model.Band(intake, last), scores[last - 1], model.Source);
    }

    /// <summary>
    /// Chooses the band width from a practice's own finished episodes, Finch-style: the largest tolerance (0.05 steps,
    /// from 3 down to 0) at which no more than <paramref name="targetFalseAlarm"/> of the episodes that eventually
    /// improved reliably (observed first − last ≥ reliable change, in the better direction) would have been flagged by
    /// <paramref name="bySession"/>.
    /// </summary>
    public static double CalibrateTolerance(Func<double, ExpectedResponseModel> build, IReadOnlyList<EpisodeSeries> episodes, double reliableChange, int bySession = 3, double targetFalseAlarm = 0.25)
    {
        ArgumentNullException.ThrowIfNull(build);
        ArgumentNullException.ThrowIfNull(episodes);
        var best = 3.0;
        for (var step = 60; step >= 0; step--)
        {
            var z = step * 0.05;
            var model = build(z);
            int improvers = 0, flagged = 0;
            foreach (var e in episodes)
            {
                if (e.Scores.Count < 2)
                {
                    continue;
                }

                var change = e.Scores[^1] - e.Scores[0];
                var improved = model.Direction == Instruments.ScoreDirection.HigherIsBetter ? change >= reliableChange : -change >= reliableChange;
                if (!improved)
                {
                    continue;
                }

                improvers++;
                var scores = e.Scores as double[] ?? [.. e.Scores];
                flagged += Evaluate(model, scores, bySession).OffTrack ? 1 : 0;
            }

            if (improvers > 0 && (double)flagged / improvers > targetFalseAlarm)
            {
                break;
            }

            best = z;
        }

        return best;
    }
}
