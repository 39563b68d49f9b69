using Rapport.Listening.Coding;
using Rapport.Listening.Coding.Quality;

namespace Rapport.Listening.Tests.Coding.Quality;

/// <summary>
/// The shipped quality model, coding its recorded fixed sample of AnnoMI utterances through the product's own path
/// (transcript in, <see cref="QualityCoder.Code"/> out, context and logit bias included), agrees with the experts as
/// often as tools/listening/finalize.py recorded when it wrote the model. A model file, vocabulary or input layout that
/// drifted from what was trained (a re-tokenised input, a swapped head, a lost bias) moves this figure.
/// </summary>
public class QualityFixedSampleTests
{
    [AnnoMiFact]
    public void ShippedModel_OnItsFixedSample_ReproducesTheRecordedAgreementWithinItsTolerance()
    {
        var sample = QualityInput.Load().Info.FixedSample ?? throw new InvalidDataException("listening-quality.json has no fixedSample");
        var recorded = sample.GetProperty("behaviourAgreement").GetDouble();
        var tolerance = sample.GetProperty("tolerance").GetDouble();
        var wanted = sample.GetProperty("utterances").EnumerateArray().Select(u => u.GetString()!).ToHashSet(StringComparer.Ordinal);
        Assert.True(wanted.Count >= 100, $"the fixed sample has only {wanted.Count} utterances");

        using var coder = QualityCoder.Load();
        var agree = 0;
        var seen = 0;
        foreach (var labelled in LabelledTranscripts.Read(AnnoMiFactAttribute.DataFile))
        {
            CodedTranscript? coded = null;
            // AnnoMI's utterance ids run 0..n-1 within a transcript, so an utterance's index is its id.
            foreach (var (index, label) in labelled.Labels)
            {
                if (!wanted.Contains($"{labelled.Id}/{index}"))
                {
                    continue;
                }

                coded ??= coder.Code(labelled.Transcript);
                var expected = UtteranceCode.ParseFine(label).Behaviour;
                seen++;
                agree += coded.Utterances[index].Code?.Behaviour == expected ? 1 : 0;
            }
        }

        Assert.Equal(wanted.Count, seen);
        var agreement = agree / (double)seen;
        Assert.True(Math.Abs(agreement - recorded) <= tolerance,
            $"fixed sample of {seen}: agreement {agreement:F4}, recorded {recorded:F4} ± {tolerance}");
    }
}
