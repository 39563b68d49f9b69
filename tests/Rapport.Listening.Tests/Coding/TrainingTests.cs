using Microsoft.ML;
using Rapport.Listening.Coding;

namespace Rapport.Listening.Tests.Coding;

/// <summary>Runs only where the AnnoMI training data is present (it is not in the repository: licence unclear).</summary>
public sealed class AnnoMiFactAttribute : FactAttribute
{
    public static readonly string DataFile = Path.GetFullPath(Path.Combine(
        Environment.GetEnvironmentVariable("RAPPORT_ANNOMI") ?? "/work/shared/data/annomi", "AnnoMI-full-train.csv"));

    public AnnoMiFactAttribute()
    {
        if (!File.Exists(DataFile))
        {
            Skip = $"AnnoMI training data not found at {DataFile} (set RAPPORT_ANNOMI to its folder); it is kept out of the repository.";
        }
    }
}

public class TrainingTests
{
    [AnnoMiFact]
    public void Training_OnPartOfAnnoMi_CodesHeldOutVideosWellAboveChance()
    {
        var all = LabelledTranscripts.Read(AnnoMiFactAttribute.DataFile);
        var videos = all.Select(t => t.Group).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var heldOut = videos.Where((_, i) => i % 4 == 0).ToHashSet(StringComparer.Ordinal);
        var train = all.Where(t => !heldOut.Contains(t.Group)).ToList();
        var test = all.Where(t => heldOut.Contains(t.Group)).ToList();

        var ml = new MLContext(seed: 1);
        using var coder = CodingModelTrainer.Train(ml, train, CodingRecipe.Shipped);
        var report = CodingModelTrainer.Report4(CodingModelTrainer.Evaluate(coder, test));

        Assert.True(report.MacroF1 > 0.6, report.ToText("held-out videos"));
    }
}
