using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Rapport.Listening;
using Rapport.Listening.Coding;
using Rapport.Listening.Transcripts;

namespace Rapport.Cli;

/// <summary>
/// <c>rapport listen analyze &lt;files or folders…&gt; [--mode fast|quality] [--out DIR]</c>: one transcript to stdout,
/// or many into a folder (one JSON per transcript and <c>summary.csv</c>, one row per transcript). A broken file is
/// reported with its line numbers and the others go on; the exit code says whether any failed.
/// </summary>
internal static class ListenAnalyzeCommand
{
    /// <summary>Extensions read when a folder is given (the parser's formats).</summary>
    public static readonly string[] Extensions = [".vtt", ".srt", ".txt", ".csv"];

    public static Command Create(CliContext context)
    {
        var paths = new Argument<string[]>("paths") { Description = "Transcripts (.vtt, .srt, .txt, .csv) or folders holding them (searched recursively).", Arity = ArgumentArity.OneOrMore };
        var therapist = new Option<string>("--therapist") { Description = "Name of the therapist as written in the transcript; every other speaker is a client." };
        var format = new Option<string>("--format") { Description = "Output for a single transcript on stdout: json or text.", DefaultValueFactory = _ => "json" };
        var model = new Option<FileInfo>("--model") { Description = "Fast-mode model zip (default: the model shipped with Rapport)." };
        var mode = new Option<string>("--mode") { Description = "fast (ML.NET, the default here) or quality (the fine-tuned transformer the app uses).", DefaultValueFactory = _ => "fast" };
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder for one JSON per transcript and summary.csv (needed for several transcripts)." };
        var command = new Command("analyze", "Code each utterance and summarise how each session listened.");
        command.Arguments.Add(paths);
        command.Options.Add(therapist);
        command.Options.Add(format);
        command.Options.Add(model);
        command.Options.Add(mode);
        command.Options.Add(output);
        command.SetAction(parse =>
        {
            var text = parse.GetValue(format) ?? "json";
            if (text is not ("json" or "text"))
            {
                context.Error.WriteLine($"--format must be json or text, not '{text}'");
                return RapportCli.InvalidInput;
            }

            if (UtteranceCoders.Parse(parse.GetValue(mode)) is not { } codingMode)
            {
                context.Error.WriteLine($"--mode must be fast or quality, not '{parse.GetValue(mode)}'");
                return RapportCli.InvalidInput;
            }

            var modelFile = parse.GetValue(model);
            if (modelFile is not null && codingMode == CodingMode.Quality)
            {
                context.Error.WriteLine("--model is a fast-mode model zip; quality mode uses the model shipped with Rapport");
                return RapportCli.InvalidInput;
            }

            var (files, missing) = Expand(parse.GetValue(paths) ?? []);
            foreach (var m in missing)
            {
                context.Error.WriteLine($"{m}: file not found");
            }

            var outDir = parse.GetValue(output);
            var single = files.Count == 1 && outDir is null && missing.Count == 0;
            if (!single && outDir is null)
            {
                if (files.Count > 1)
                {
                    context.Error.WriteLine($"{files.Count} transcripts: pass --out DIR for one JSON each and summary.csv");
                }

                return RapportCli.InvalidInput;
            }

            IUtteranceCoder coder;
            try
            {
                coder = modelFile is not null ? UtteranceCoder.Load(modelFile.FullName) : UtteranceCoders.Load(codingMode);
            }
            catch (Exception ex) when (ex is InvalidOperationException or InvalidDataException or IOException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException)
            {
                context.Error.WriteLine($"the {UtteranceCoders.Name(codingMode)} model could not be loaded: {ex.Message}");
                return RapportCli.InvalidInput;
            }

            using (coder)
            {
                var mapping = new SpeakerMapping(parse.GetValue(therapist));
                if (single)
                {
                    return AnalyseOne(context, files[0], mapping, coder, text);
                }

                return AnalyseMany(context, files, mapping, coder, outDir!) && missing.Count == 0 ? 0 : RapportCli.InvalidInput;
            }
        });
        return command;
    }

    /// <summary>Files in the order given; folders contribute their transcript files, sorted, recursively.</summary>
    internal static (List<FileInfo> Files, List<string> Missing) Expand(IEnumerable<string> paths)
    {
        var files = new List<FileInfo>();
        var missing = new List<string>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                files.AddRange(Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
                    .Where(f => Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
                    .Order(StringComparer.Ordinal)
                    .Select(f => new FileInfo(f)));
            }
            else if (File.Exists(path))
            {
                files.Add(new FileInfo(path));
            }
            else
            {
                missing.Add(Path.GetFileName(path));
            }
        }

        return (files, missing);
    }

    private static TranscriptParseResult Parse(FileInfo file, SpeakerMapping mapping)
    {
        using var stream = file.OpenRead();
        return TranscriptParser.Parse(stream, TranscriptParser.FormatFromFileName(file.Name), mapping);
    }

    private static int AnalyseOne(CliContext context, FileInfo file, SpeakerMapping mapping, IUtteranceCoder coder, string format)
    {
        var parsed = Parse(file, mapping);
        if (parsed.Transcript is not { } transcript)
        {
            foreach (var error in parsed.Errors)
            {
                context.Error.WriteLine($"{file.Name}: {error}");
            }

            return RapportCli.InvalidInput;
        }

        var coded = coder.Code(transcript);
        var report = ListeningReport.Build(coded);
        if (format == "json")
        {
            context.Output.WriteLine(ListeningJson.ToJson(coded, report));
        }
        else
        {
            ListeningText.Write(context.Output, coded, report);
        }

        return 0;
    }

    private static bool AnalyseMany(CliContext context, List<FileInfo> files, SpeakerMapping mapping, IUtteranceCoder coder, DirectoryInfo outDir)
    {
        outDir.Create();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "summary" };
        var rows = new List<SummaryRow>();
        var ok = true;
        for (var i = 0; i < files.Count; i++)
        {
            var file = files[i];
            if (context.ErrorIsTerminal)
            {
                // One line rewritten in place; only on a terminal, so logs and pipes stay clean.
                context.Error.Write($"\r[{i + 1}/{files.Count}] {Truncate(file.Name, 60),-60}");
            }

            TranscriptParseResult parsed;
            try
            {
                parsed = Parse(file, mapping);
            }
            catch (IOException ex)
            {
                parsed = TranscriptParseResult.Failure(0, ex.Message);
            }

            if (parsed.Transcript is not { } transcript)
            {
                ok = false;
                if (context.ErrorIsTerminal)
                {
                    context.Error.WriteLine();
                }

                foreach (var error in parsed.Errors)
                {
                    context.Error.WriteLine($"{file.Name}: {error}");
                }

                rows.Add(new SummaryRow(file.FullName, null, null, string.Join("; ", parsed.Errors.Take(3))));
                continue;
            }

            var coded = coder.Code(transcript);
            var report = ListeningReport.Build(coded);
            var name = UniqueName(names, Path.GetFileNameWithoutExtension(file.Name));
            var target = Path.Combine(outDir.FullName, name + ".json");
            using (var stream = File.Create(target))
            using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                ListeningJson.Write(writer, coded, report);
            }

            rows.Add(new SummaryRow(file.FullName, name + ".json", (coded, report), null));
        }

        if (context.ErrorIsTerminal && files.Count > 0)
        {
            context.Error.WriteLine();
        }

        File.WriteAllText(Path.Combine(outDir.FullName, "summary.csv"), SummaryCsv(rows), new UTF8Encoding(false));
        context.Output.WriteLine($"{rows.Count(r => r.Error is null)} of {files.Count} transcripts analysed ({UtteranceCoders.Name(coder.Mode)} mode); {outDir.FullName}{Path.DirectorySeparatorChar}summary.csv");
        return ok;
    }

    private sealed record SummaryRow(string File, string? Json, (CodedTranscript Coded, ListeningReport Report)? Result, string? Error);

    /// <summary>The columns of summary.csv, one row per transcript (documented in docs/listening.md).</summary>
    internal static readonly string[] Columns =
    [
        "file", "json", "status", "error", "mode", "utterances", "therapist_utterances", "client_utterances",
        "reflection_to_question", "percent_complex_reflections", "percent_open_questions", "therapist_talk_share",
        "reflections_of_feeling", "missed_moments", "change_talk", "change_talk_reflected", "change_talk_asked_about",
        "change_talk_other", "sustain_talk", "sustain_talk_reflected", "sustain_talk_asked_about", "sustain_talk_other",
    ];

    private static string SummaryCsv(List<SummaryRow> rows)
    {
        var csv = new StringBuilder();
        csv.AppendJoin(',', Columns).Append('\n');
        foreach (var row in rows)
        {
            var s = row.Result?.Report.Summary;
            string N(double? v) => v?.ToString(CultureInfo.InvariantCulture) ?? string.Empty;
            string?[] values =
            [
                row.File, row.Json, row.Error is null ? "ok" : "error", row.Error,
                s?.Mode, N(row.Result?.Coded.Utterances.Count), N(s?.TherapistUtterances), N(s?.ClientUtterances),
                N(s?.ReflectionToQuestion), N(s?.PercentComplexReflections), N(s?.PercentOpenQuestions), N(s?.TherapistTalkShare),
                N(s?.ReflectionsOfFeeling), N(row.Result?.Report.MissedMoments.Count),
                N(s?.ChangeTalk?.Utterances), N(s?.ChangeTalk?.Reflected), N(s?.ChangeTalk?.AskedAbout), N(s?.ChangeTalk?.Other),
                N(s?.SustainTalk?.Utterances), N(s?.SustainTalk?.Reflected), N(s?.SustainTalk?.AskedAbout), N(s?.SustainTalk?.Other),
            ];
            csv.AppendJoin(',', values.Select(Quote)).Append('\n');
        }

        return csv.ToString();
    }

    // RFC 4180 quoting; a leading =, +, - or @ is prefixed so a spreadsheet never runs a file name as a formula.
    private static string Quote(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        if (value[0] is '=' or '+' or '@' || (value[0] == '-' && !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
        {
            value = "'" + value;
        }

        return value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    private static string UniqueName(HashSet<string> taken, string name)
    {
        var candidate = name;
        for (var n = 2; !taken.Add(candidate); n++)
        {
            candidate = $"{name}-{n}";
        }

        return candidate;
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : "…" + s[^(max - 1)..];
}
