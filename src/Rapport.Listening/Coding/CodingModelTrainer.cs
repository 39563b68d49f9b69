using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.LightGbm;
using Microsoft.ML.Transforms.Text;

namespace Rapport.Listening.Coding;

/// <summary>Learners tried for utterance coding (docs/listening.md compares them by grouped cross-validation).</summary>
public enum CodingAlgorithm
{
    /// <summary>Multinomial logistic regression trained by SDCA.</summary>
    Sdca,

    /// <summary>Multinomial logistic regression trained by L-BFGS.</summary>
    Lbfgs,

    /// <summary>Gradient-boosted trees (LightGBM), multiclass.</summary>
    LightGbm,

    /// <summary>One-versus-all linear SVMs.</summary>
    OvaSvm,
}

/// <summary>Which features and learner make up a coding model.</summary>
public sealed record CodingRecipe(
    CodingAlgorithm Algorithm = CodingAlgorithm.Lbfgs,
    bool Context = true,
    bool Cues = true,
    bool CharGrams = true,
    bool Weighted = true,
    float Regularization = 1f,
    int Iterations = 200,
    bool Stacked = false,
    bool LastSentence = false,
    double WeightPower = 1.0,
    int CharGramLength = 4)
{
    /// <summary>The recipe the shipped model was trained with, chosen by grouped cross-validation.</summary>
    public static CodingRecipe Shipped { get; } = new();

    public override string ToString() =>
        $"{Algorithm} context={Context} cues={Cues} chargrams={CharGrams} weighted={Weighted} reg={Regularization} it={Iterations} stacked={Stacked} last={LastSentence} power={WeightPower} chars={CharGramLength}";
}

/// <summary>Grouped cross-validation figures for one recipe.</summary>
public sealed record CrossValidationResult(
    CodingRecipe Recipe,
    int Folds,
    ClassificationReport Behaviour,
    ClassificationReport Questions,
    ClassificationReport Reflections,
    ClassificationReport Inputs,
    ClassificationReport Fine,
    IReadOnlyList<double> FoldMacroF1,
    TimeSpan Elapsed);

/// <summary>
/// Trains the therapist-utterance coder on labelled transcripts (AnnoMI layout) and measures it by k-fold
/// cross-validation grouped by source video. Single-threaded learners: the machine is shared.
/// </summary>
public static class CodingModelTrainer
{
    /// <summary>Therapist utterances with a full fine label, as model inputs.</summary>
    public static List<(CodingInput Input, string Group)> Examples(IEnumerable<LabelledTranscript> transcripts)
    {
        ArgumentNullException.ThrowIfNull(transcripts);
        var list = new List<(CodingInput, string)>();
        foreach (var t in transcripts)
        {
            list.AddRange(Inputs(t).OfType<CodingInput>().Select(i => (i, t.Group)));
        }

        return list;
    }

    /// <summary>Model inputs aligned with the transcript's utterances: null for clients, Label set where the reference has a fine label.</summary>
    public static CodingInput?[] Inputs(LabelledTranscript transcript)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        var all = transcript.Transcript.Utterances;
        var inputs = new CodingInput?[all.Count];
        foreach (var (index, label) in transcript.Labels)
        {
            if (UtteranceCode.FineLabels.Contains(label))
            {
                inputs[index] = CodingCues.Input(all, index);
                inputs[index]!.Label = label;
            }
        }

        return inputs;
    }

    /// <summary>Trains a coder: the first stage on every labelled utterance, and for stacked recipes a second stage on out-of-fold first-stage probabilities.</summary>
    public static UtteranceCoder Train(MLContext ml, IReadOnlyList<LabelledTranscript> transcripts, CodingRecipe recipe, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(transcripts);
        ArgumentNullException.ThrowIfNull(recipe);
        var inputs = transcripts.Select(Inputs).ToList();
        SetWeights(inputs.SelectMany(x => x).OfType<CodingInput>().ToList(), recipe.Weighted ? recipe.WeightPower : 0);
        var stage1 = FitStage1(ml, inputs, recipe);
        if (!recipe.Stacked)
        {
            return new UtteranceCoder(ml, stage1);
        }

        // Out-of-fold first-stage probabilities, grouped like the outer split, so the second stage learns from
        // probabilities as noisy as those it will see on new sessions.
        const int inner = 3;
        var fold = GroupKFold.Assign(transcripts, t => t.Group, t => t.Labels.Count, inner);
        var probabilities = new float[]?[transcripts.Count][];
        for (var k = 0; k < inner; k++)
        {
            var model = FitStage1(ml, inputs.Where((_, i) => fold[i] != k).ToList(), recipe);
            using var partial = new UtteranceCoder(ml, model);
            for (var t = 0; t < transcripts.Count; t++)
            {
                if (fold[t] == k)
                {
                    probabilities[t] = inputs[t].Select(x => x is null ? null : partial.Stage1(x)).ToArray();
                }
            }

            log?.Invoke($"    stacking: inner fold {k + 1}/{inner} done");
        }

        var stackExamples = new List<StackInput>();
        for (var t = 0; t < transcripts.Count; t++)
        {
            stackExamples.AddRange(StackInput.Build(probabilities[t], inputs[t]).OfType<StackInput>());
        }

        var stage2 = ml.Transforms.Conversion.MapValueToKey("Label", "Label")
            .Append(ml.MulticlassClassification.Trainers.LightGbm(new LightGbmMulticlassTrainer.Options
            {
                FeatureColumnName = "Features",
                ExampleWeightColumnName = "Weight",
                NumberOfIterations = recipe.Iterations,
                LearningRate = 0.05,
                NumberOfLeaves = 15,
                MinimumExampleCountPerLeaf = 20,
                NumberOfThreads = 1,
                Seed = 1,
                Silent = true,
            }))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"))
            .Fit(ml.Data.LoadFromEnumerable(stackExamples));
        return new UtteranceCoder(ml, stage1, stage2);
    }

    /// <summary>(reference, predicted) fine-label pairs for every labelled therapist utterance.</summary>
    public static List<(string Expected, string Predicted)> Evaluate(IUtteranceCoder coder, IEnumerable<LabelledTranscript> transcripts) =>
        EvaluateWithClientTalk(coder, transcripts).Behaviour;

    /// <summary>Therapist pairs as <see cref="Evaluate"/>, and (reference, predicted) client-talk pairs where the file and the coder both have them.</summary>
    public static (List<(string Expected, string Predicted)> Behaviour, List<(string Expected, string Predicted)> ClientTalk) EvaluateWithClientTalk(IUtteranceCoder coder, IEnumerable<LabelledTranscript> transcripts)
    {
        ArgumentNullException.ThrowIfNull(coder);
        ArgumentNullException.ThrowIfNull(transcripts);
        var pairs = new List<(string, string)>();
        var talk = new List<(string, string)>();
        foreach (var t in transcripts)
        {
            var coded = coder.Code(t.Transcript);
            foreach (var (index, label) in t.Labels.OrderBy(l => l.Key))
            {
                if (coded.Utterances[index].Code is { } code)
                {
                    pairs.Add((label, Fine(code)));
                }
            }

            foreach (var (index, label) in t.ClientLabels.OrderBy(l => l.Key))
            {
                if (coded.Utterances[index].Talk is { } code)
                {
                    talk.Add((ClientTalkCode.Name(label), ClientTalkCode.Name(code.Talk)));
                }
            }
        }

        return (pairs, talk);
    }

    public static CrossValidationResult CrossValidate(IReadOnlyList<LabelledTranscript> transcripts, CodingRecipe recipe, int folds = 5, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(transcripts);
        ArgumentNullException.ThrowIfNull(recipe);
        var watch = Stopwatch.StartNew();
        var fold = GroupKFold.Assign(transcripts, t => t.Group, t => t.Labels.Count, folds);
        var pairs = new List<(string Expected, string Predicted)>();
        var foldF1 = new List<double>();
        for (var k = 0; k < folds; k++)
        {
            var ml = new MLContext(seed: 1);
            var train = transcripts.Where((_, i) => fold[i] != k).ToList();
            var test = transcripts.Where((_, i) => fold[i] == k).ToList();
            using var coder = Train(ml, train, recipe, log);
            var foldPairs = Evaluate(coder, test).Where(p => UtteranceCode.FineLabels.Contains(p.Expected)).ToList();
            pairs.AddRange(foldPairs);
            foldF1.Add(Report4(foldPairs).MacroF1);
            log?.Invoke($"  fold {k + 1}/{folds}: {train.Count} transcripts to train, {test.Count} to test ({foldPairs.Count} utterances), 4-way macro-F1 {foldF1[^1]:F3} ({watch.Elapsed.TotalSeconds:F0} s)");
        }

        return new CrossValidationResult(
            recipe,
            folds,
            Report4(pairs),
            SubReport(pairs, "question"),
            SubReport(pairs, "reflection"),
            SubReport(pairs, "input"),
            new ClassificationReport(UtteranceCode.FineLabels, pairs),
            foldF1,
            watch.Elapsed);
    }

    /// <summary>4-way report over (fine or main) label pairs.</summary>
    public static ClassificationReport Report4(IEnumerable<(string Expected, string Predicted)> pairs) =>
        new(["question", "reflection", "input", "other"], pairs.Select(p => (Main(p.Expected), Main(p.Predicted))));

    /// <summary>Subtype report among utterances whose reference and prediction share <paramref name="behaviour"/>.</summary>
    public static ClassificationReport SubReport(IEnumerable<(string Expected, string Predicted)> pairs, string behaviour)
    {
        ArgumentNullException.ThrowIfNull(behaviour);
        var classes = UtteranceCode.FineLabels.Where(l => l.StartsWith(behaviour + ":", StringComparison.Ordinal)).ToList();
        return new(classes, pairs.Where(p => Main(p.Expected) == behaviour && Main(p.Predicted) == behaviour));
    }

    public static string Main(string label)
    {
        ArgumentNullException.ThrowIfNull(label);
        var colon = label.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? label : label[..colon];
    }

    public static string Fine(UtteranceCode code)
    {
        ArgumentNullException.ThrowIfNull(code);
        var main = UtteranceCode.Name(code.Behaviour);
        return code.Subtype is { } s ? main + ":" + UtteranceCode.Name(s) : main;
    }

    private static ITransformer FitStage1(MLContext ml, IReadOnlyList<CodingInput?[]> inputs, CodingRecipe recipe)
    {
        var examples = inputs.SelectMany(x => x).OfType<CodingInput>().ToList();
        return Pipeline(ml, recipe).Fit(ml.Data.LoadFromEnumerable(examples));
    }

    private static void SetWeights(IReadOnlyList<CodingInput> examples, double power)
    {
        // Inverse frequency to a power (1 = balanced classes, chosen by grouped CV over 0.5 and 1.5): lifts advice and input.
        var counts = examples.GroupBy(e => e.Label).ToDictionary(g => g.Key, g => g.Count());
        var mean = examples.Count / (double)Math.Max(1, counts.Count);
        foreach (var e in examples)
        {
            e.Weight = (float)Math.Pow(mean / counts[e.Label], power);
        }
    }

    private static IEstimator<ITransformer> Pipeline(MLContext ml, CodingRecipe recipe)
    {
        var columns = new List<string> { "TextF", "LeadF", "TailF" };
        IEstimator<ITransformer> pipeline = ml.Transforms.Conversion.MapValueToKey("Label", "Label")
            .Append(ml.Transforms.Text.FeaturizeText("TextF", TextOptions(2, recipe.CharGrams ? recipe.CharGramLength : 0), "Text"))
            .Append(ml.Transforms.Text.FeaturizeText("LeadF", TextOptions(1, 0), "Lead"))
            .Append(ml.Transforms.Text.FeaturizeText("TailF", TextOptions(1, 0), "Tail"));
        if (recipe.LastSentence)
        {
            pipeline = pipeline.Append(ml.Transforms.Text.FeaturizeText("LastF", TextOptions(2, 0), "LastSentence"));
            columns.Add("LastF");
        }

        if (recipe.Context)
        {
            pipeline = pipeline
                .Append(ml.Transforms.Text.FeaturizeText("PrevF", TextOptions(1, 0), "PreviousClient"))
                .Append(ml.Transforms.Text.FeaturizeText("NextF", TextOptions(1, 0), "NextClient"));
            columns.Add("PrevF");
            columns.Add("NextF");
        }

        if (recipe.Cues)
        {
            columns.Add("Cues");
        }

        pipeline = pipeline.Append(ml.Transforms.Concatenate("Features", [.. columns]));
        return pipeline.Append(Trainer(ml, recipe)).Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
    }

    private static IEstimator<ITransformer> Trainer(MLContext ml, CodingRecipe recipe) => recipe.Algorithm switch
    {
        CodingAlgorithm.Sdca => ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(new SdcaMaximumEntropyMulticlassTrainer.Options
        {
            ExampleWeightColumnName = "Weight",
            L2Regularization = 1e-4f * recipe.Regularization,
            NumberOfThreads = 1,
            MaximumNumberOfIterations = recipe.Iterations,
        }),
        CodingAlgorithm.LightGbm => ml.MulticlassClassification.Trainers.LightGbm(new LightGbmMulticlassTrainer.Options
        {
            ExampleWeightColumnName = "Weight",
            NumberOfIterations = recipe.Iterations,
            LearningRate = 0.1,
            NumberOfLeaves = 16,
            MinimumExampleCountPerLeaf = 10,
            NumberOfThreads = 1,
            Seed = 1,
            Silent = true,
        }),
        CodingAlgorithm.OvaSvm => ml.MulticlassClassification.Trainers.OneVersusAll(
            ml.BinaryClassification.Trainers.LinearSvm(new LinearSvmTrainer.Options
            {
                ExampleWeightColumnName = "Weight",
                Lambda = 1e-3f * recipe.Regularization,
                NumberOfIterations = Math.Min(recipe.Iterations, 50),
            }),
            useProbabilities: true),
        _ => ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(new LbfgsMaximumEntropyMulticlassTrainer.Options
        {
            ExampleWeightColumnName = "Weight",
            L2Regularization = recipe.Regularization,
            L1Regularization = 0,
            NumberOfThreads = 1,
            MaximumNumberOfIterations = recipe.Iterations,
        }),
    };

    private static TextFeaturizingEstimator.Options TextOptions(int wordGrams, int charGrams) => new()
    {
        CaseMode = TextNormalizingEstimator.CaseMode.Lower,
        KeepPunctuations = true,
        KeepNumbers = true,
        KeepDiacritics = false,
        StopWordsRemoverOptions = null,
        WordFeatureExtractor = new WordBagEstimator.Options { NgramLength = wordGrams, UseAllLengths = true },
        CharFeatureExtractor = charGrams > 0 ? new WordBagEstimator.Options { NgramLength = charGrams, UseAllLengths = false } : null,
        Norm = TextFeaturizingEstimator.NormFunction.L2,
    };
}
