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
}
