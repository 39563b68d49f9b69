using System.CommandLine;
using System.Globalization;
using Microsoft.ML;
using Rapport.Listening;
using Rapport.Listening.Coding;
using Rapport.Listening.Transcripts;

namespace Rapport.Cli;

/// <summary>
/// <c>rapport listen …</c>: analyse a session transcript (<c>analyze</c>), retrain the utterance coder on AnnoMI
/// (<c>train</c>) and measure it on a labelled file (<c>eval</c>).
/// </summary>
public static class ListenCommand
{
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var listen = new Command("listen", "Listening analytics: code therapist utterances and describe how a session listened.");
        listen.Subcommands.Add(ListenAnalyzeCommand.Create(context));
        listen.Subcommands.Add(Train(context));
        listen.Subcommands.Add(Eval(context));
        listen.Subcommands.Add(ListenEncodeCommand.Create(context));
        return listen;
    }

    private static Command Train(CliContext context)
    {
        var data = new Option<DirectoryInfo>("--data") { Description = "Folder holding AnnoMI-full-train.csv (default: ../shared/data/annomi beside the repository)." };
        var output = new Option<FileInfo>("--out") { Description = "Where to write the model zip (default: the embedded model in src/Rapport.Listening/Coding)." };
        var folds = new Option<int>("--folds") { Description = "Grouped cross-validation folds before the final fit (0 skips it).", DefaultValueFactory = _ => 5 };
        var command = new Command("train", "Train the utterance coder on AnnoMI, reporting cross-validation grouped by source video.");
        command.Options.Add(data);
        command.Options.Add(output);
        command.Options.Add(folds);
        command.SetAction(parse =>
        {
            var folder = parse.GetValue(data)?.FullName ?? DefaultDataFolder();
            var csv = Path.Combine(folder, "AnnoMI-full-train.csv");
            if (!File.Exists(csv))
            {
                context.Error.WriteLine($"{csv}: not found (pass --data <folder with AnnoMI-full-train.csv>)");
                return RapportCli.InvalidInput;
            }

            var transcripts = LabelledTranscripts.Read(csv);
            var recipe = CodingRecipe.Shipped;
            context.Output.WriteLine($"{transcripts.Count} transcripts, {transcripts.Sum(t => t.Labels.Count)} therapist utterances, {transcripts.Select(t => t.Group).Distinct(StringComparer.Ordinal).Count()} videos; recipe: {recipe}");
            var k = parse.GetValue(folds);
            CrossValidationResult? cv = null;
            if (k >= 2)
            {
                cv = CodingModelTrainer.CrossValidate(transcripts, recipe, k, context.Output.WriteLine);
                context.Output.WriteLine(cv.Behaviour.ToText($"Grouped {k}-fold cross-validation (by video_url), 4-way behaviour"));
                context.Output.WriteLine(cv.Questions.ToText("Questions (where reference and model agree on question)"));
                context.Output.WriteLine(cv.Reflections.ToText("Reflections (where reference and model agree on reflection)"));
                context.Output.WriteLine(cv.Inputs.ToText("Input (where reference and model agree on input)"));
                context.Output.WriteLine(cv.Fine.ToText("Seven fine labels"));
            }

            var ml = new MLContext(seed: 1);
            using var coder = CodingModelTrainer.Train(ml, transcripts, recipe);
            var target = parse.GetValue(output)?.FullName ?? DefaultModelPath();
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            using (var stream = File.Create(target))
            {
                coder.Save(stream);
            }

            context.Output.WriteLine($"model written to {target} ({new FileInfo(target).Length / 1024.0 / 1024.0:F1} MB)");
            if (cv is not null)
            {
                // The figures the report page shows beside fast-mode codes: recorded with the model, never typed in.
                var info = Path.ChangeExtension(target, ".json");
                File.WriteAllText(info, FastModelInfo(cv));
                context.Output.WriteLine($"cross-validation figures written to {info}");
            }
            return 0;
        });
        return command;
    }

    private static Command Eval(CliContext context)
    {
        var file = new Argument<FileInfo>("labelled") { Description = "Labelled CSV in the AnnoMI column layout (see docs/listening.md)." };
        var model = new Option<FileInfo>("--model") { Description = "Fast-mode model zip (default: the model shipped with Rapport)." };
        var mode = new Option<string>("--mode") { Description = "fast or quality.", DefaultValueFactory = _ => "fast" };
        var command = new Command("eval", "Compare the coder with reference codes: per-class precision, recall, F1, macro-F1 and the confusion matrix.");
        command.Arguments.Add(file);
        command.Options.Add(model);
        command.Options.Add(mode);
        command.SetAction(parse =>
        {
            var path = parse.GetValue(file)!;
            if (!path.Exists)
            {
                context.Error.WriteLine($"{path.Name}: file not found");
                return RapportCli.InvalidInput;
            }

            if (UtteranceCoders.Parse(parse.GetValue(mode)) is not { } codingMode)
            {
                context.Error.WriteLine($"--mode must be fast or quality, not '{parse.GetValue(mode)}'");
                return RapportCli.InvalidInput;
            }

            List<LabelledTranscript> transcripts;
            try
            {
                transcripts = LabelledTranscripts.Read(path.FullName);
            }
            catch (InvalidDataException ex)
            {
                context.Error.WriteLine($"{path.Name}: {ex.Message}");
                return RapportCli.InvalidInput;
            }

            IUtteranceCoder coder;
            try
            {
                coder = parse.GetValue(model) is { } m ? UtteranceCoder.Load(m.FullName) : UtteranceCoders.Load(codingMode);
            }
            catch (Exception ex) when (ex is InvalidOperationException or InvalidDataException or IOException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException)
            {
                context.Error.WriteLine($"the {UtteranceCoders.Name(codingMode)} model could not be loaded: {ex.Message}");
                return RapportCli.InvalidInput;
            }

            using (coder)
            {
                var (pairs, talk) = CodingModelTrainer.EvaluateWithClientTalk(coder, transcripts);
                var name = UtteranceCoders.Name(coder.Mode);
                context.Output.WriteLine(CodingModelTrainer.Report4(pairs).ToText($"4-way behaviour, {name} mode ({transcripts.Count} transcripts)"));
                var withSubtypes = pairs.Where(p => p.Expected.Contains(':', StringComparison.Ordinal) || p.Expected == "other").ToList();
                if (withSubtypes.Count == pairs.Count)
                {
                    context.Output.WriteLine(CodingModelTrainer.SubReport(pairs, "question").ToText("Questions (where reference and model agree on question)"));
                    context.Output.WriteLine(CodingModelTrainer.SubReport(pairs, "reflection").ToText("Reflections (where reference and model agree on reflection)"));
                    context.Output.WriteLine(CodingModelTrainer.SubReport(pairs, "input").ToText("Input (where reference and model agree on input)"));
                }

                if (transcripts.Any(t => t.ClientLabels.Count > 0))
                {
                    context.Output.WriteLine(talk.Count > 0
                        ? new ClassificationReport(["change", "neutral", "sustain"], talk).ToText("Client talk")
                        : $"Client talk: not coded in {name} mode (use --mode quality)");
                }
            }

            return 0;
        });
        return command;
    }

    internal static string FastModelInfo(CrossValidationResult cv)
    {
        var b = cv.Behaviour;
        var subtypes = new[] { cv.Questions.F1(0), cv.Questions.F1(1), cv.Reflections.F1(0), cv.Reflections.F1(1) }.Average();
        var info = new
        {
            version = 1,
            model = $"utterance-coder.zip (ML.NET, {cv.Recipe})",
            note = $"Grouped {cv.Folds}-fold cross-validation by video, pooled over folds (docs/listening.md). Written by 'rapport listen train'.",
            cv = new
            {
                folds = cv.Folds,
                behaviourMacroF1 = Math.Round(b.MacroF1, 3),
                perClass = Enumerable.Range(0, b.Classes.Count).ToDictionary(c => b.Classes[c], c => Math.Round(b.F1(c), 3)),
                subtypeMacroF1 = Math.Round(subtypes, 3),
                clientTalkMacroF1 = (double?)null,
            },
        };
        return System.Text.Json.JsonSerializer.Serialize(info, new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
    }

    private static string? RepositoryRoot()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Rapport.slnx")))
                {
                    return dir.FullName;
                }
            }
        }

        return null;
    }

    internal static string DefaultDataFolder() =>
        Path.GetFullPath(Path.Combine(RepositoryRoot() ?? Environment.CurrentDirectory, "..", "shared", "data", "annomi"));

    private static string DefaultModelPath() => RepositoryRoot() is { } root
        ? Path.Combine(root, "src", "Rapport.Listening", "Coding", "utterance-coder.zip")
        : Path.GetFullPath("utterance-coder.zip");
}

/// <summary>Plain-text rendering of an analysis, for a person at a terminal.</summary>
internal static class ListeningText
{
    public static void Write(TextWriter w, CodedTranscript coded, ListeningReport report)
    {
        foreach (var c in coded.Utterances)
        {
            var code = c.Code is { } k ? UtteranceCode.Name(k.Behaviour) + (k.Subtype is { } s ? "/" + UtteranceCode.Name(s) : string.Empty) : string.Empty;
            var role = c.Utterance.Role == SpeakerRole.Therapist ? "T" : "C";
            w.WriteLine($"{c.Utterance.Index,4} {role} {code,-22} {c.Utterance.Text}");
        }

        var s1 = report.Summary;
        w.WriteLine();
        w.WriteLine("Summary (descriptive; MITI 4.2.1 reference lines are expert opinion for MI sessions, not grades)");
        w.WriteLine($"  reflection:question      {Fmt(s1.ReflectionToQuestion, "F2")}  (fair 1:1, good 2:1){Band(s1.ReflectionToQuestionBand)}");
        w.WriteLine($"  complex reflections      {Fmt(s1.PercentComplexReflections, "F1", "%")}  (fair 40%, good 50%){Band(s1.PercentComplexReflectionsBand)}");
        w.WriteLine($"  open questions           {Fmt(s1.PercentOpenQuestions, "F1", "%")}");
        w.WriteLine($"  therapist talk (words)   {Fmt(s1.TherapistTalkShare * 100, "F1", "%")}");
        w.WriteLine($"  therapist talk (time)    {Fmt(s1.TherapistTalkShareByTime * 100, "F1", "%")}");
        w.WriteLine($"  mean turn (words)        therapist {Fmt(s1.MeanTherapistTurnWords, "F1")}, client {Fmt(s1.MeanClientTurnWords, "F1")}");
        w.WriteLine($"  pace (words/min)         therapist {Fmt(s1.TherapistWordsPerMinute, "F0")}, session {Fmt(s1.SessionWordsPerMinute, "F0")}");
        w.WriteLine($"  overlaps                 {Fmt(s1.Overlaps, "F0")} (interruptions: therapist {Fmt(s1.TherapistInterruptions, "F0")}, client {Fmt(s1.ClientInterruptions, "F0")})");
        w.WriteLine($"  empathy markers          {s1.ReflectionsOfFeeling} reflections of feeling, {s1.ExplorationsOfFeeling} explorations of feeling, {s1.ClientEmotionalDisclosures} client disclosures");
        w.WriteLine($"  change talk              {Talk(s1.ChangeTalk)}");
        w.WriteLine($"  sustain talk             {Talk(s1.SustainTalk)}");
        w.WriteLine($"  coded by                 {s1.Mode} mode{(s1.CoderMacroF1 is { } f1 ? $" (agreement with experts: macro-F1 {f1:F2}); a prompt for reflection, not a grade" : string.Empty)}");
        if (report.MissedMoments.Count > 0)
        {
            w.WriteLine();
            w.WriteLine("Missed moments (a feeling answered by a closed question or advice; change talk neither reflected nor asked about)");
            foreach (var m in report.MissedMoments)
            {
                w.WriteLine($"  #{m.ClientIndex} client ({m.Kind}): {m.ClientText}");
                w.WriteLine($"  #{m.TherapistIndex} therapist ({m.Response}): {m.TherapistText}");
            }
        }
    }

    private static string Fmt(double? value, string format, string suffix = "") =>
        value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) + suffix : "n/a";

    private static string Talk(TalkResponses? t) => t is null
        ? "not coded (fast mode)"
        : $"{t.Utterances}: you reflected {t.Reflected}, asked about {t.AskedAbout}, other {t.Other}";

    private static string Band(string? band) => band is null ? string.Empty : " — " + band;
}
