using System.Diagnostics;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

// Usage: check <encoded.jsonl> <model.onnx> [reference.onnx] [--sample ids.txt] [--speed N]
var data = args[0];
var modelPath = args[1];
var reference = args.Length > 2 && !args[2].StartsWith("--", StringComparison.Ordinal) ? args[2] : null;
string? Arg(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
var speed = int.Parse(Arg("--speed") ?? "600", System.Globalization.CultureInfo.InvariantCulture);
var sampleFile = Arg("--sample");

var rows = File.ReadLines(data).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
string Key(JsonElement r) => r.GetProperty("transcript").GetString() + "/" + r.GetProperty("utterance").GetInt32();
var heads = new[] { "behaviour", "question_subtype", "reflection_subtype", "client_talk" };

InferenceSession Open(string path)
{
    var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
    return new InferenceSession(path, options);
}

// Logits of every head, batches of 32 sorted by length as the product does.
float[][][] Run(InferenceSession s, List<JsonElement> items)
{
    var result = heads.Select(_ => new float[items.Count][]).ToArray();
    var order = Enumerable.Range(0, items.Count).OrderBy(i => items[i].GetProperty("ids").GetArrayLength()).ToList();
    for (var start = 0; start < order.Count; start += 32)
    {
        var batch = order.Skip(start).Take(32).ToList();
        var len = batch.Max(i => items[i].GetProperty("ids").GetArrayLength());
        var ids = new DenseTensor<long>([batch.Count, len]);
        var mask = new DenseTensor<long>([batch.Count, len]);
        var types = new DenseTensor<long>([batch.Count, len]);
        for (var b = 0; b < batch.Count; b++)
        {
            var r = items[batch[b]];
            var t = 0;
            foreach (var (id, type) in r.GetProperty("ids").EnumerateArray().Zip(r.GetProperty("types").EnumerateArray()))
            {
                ids[b, t] = id.GetInt64();
                types[b, t] = type.GetInt64();
                mask[b, t] = 1;
                t++;
            }
        }

        using var outputs = s.Run([
            NamedOnnxValue.CreateFromTensor("input_ids", ids),
            NamedOnnxValue.CreateFromTensor("attention_mask", mask),
            NamedOnnxValue.CreateFromTensor("token_type_ids", types)]);
        for (var h = 0; h < heads.Length; h++)
        {
            var o = outputs.First(x => x.Name == heads[h]).AsTensor<float>();
            for (var b = 0; b < batch.Count; b++)
            {
                result[h][batch[b]] = Enumerable.Range(0, o.Dimensions[1]).Select(c => o[b, c]).ToArray();
            }
        }
    }

    return result;
}

static int ArgMax(float[] v) => Array.IndexOf(v, v.Max());

using var model = Open(modelPath);
var therapist = rows.Where(r => r.GetProperty("role").GetString() == "therapist").ToList();
var session = therapist.Take(speed).ToList();
Run(model, session.Take(64).ToList());
var watch = Stopwatch.StartNew();
Run(model, session);
watch.Stop();
Console.WriteLine($"speed: {session.Count} therapist utterances in {watch.Elapsed.TotalSeconds:F2} s ({session.Count / watch.Elapsed.TotalSeconds:F0} utt/s, one thread)");

if (reference is not null)
{
    using var refModel = Open(reference);
    var probe = rows.Take(1000).ToList();
    var a = Run(model, probe);
    var b = Run(refModel, probe);
    watch.Restart();
    Run(refModel, session);
    Console.WriteLine($"reference speed: {session.Count / watch.Elapsed.TotalSeconds:F0} utt/s");
    for (var h = 0; h < heads.Length; h++)
    {
        var maxDiff = 0.0;
        var agree = 0;
        for (var i = 0; i < probe.Count; i++)
        {
            maxDiff = Math.Max(maxDiff, a[h][i].Zip(b[h][i], (x, y) => Math.Abs(x - y)).Max());
            agree += ArgMax(a[h][i]) == ArgMax(b[h][i]) ? 1 : 0;
        }

        Console.WriteLine($"parity {heads[h]}: max |logit diff| {maxDiff:F4}, same argmax {agree}/{probe.Count}");
    }
}

if (sampleFile is not null)
{
    var wanted = File.ReadLines(sampleFile).Where(l => l.Length > 0).ToHashSet();
    var sample = therapist.Where(r => wanted.Contains(Key(r))).ToList();
    var logits = Run(model, sample);
    var labels = new[] { "question", "reflection", "input", "other" };
    var agree = sample.Select((r, i) => labels[ArgMax(logits[0][i])] == r.GetProperty("behaviour").GetString()).Count(x => x);
    Console.WriteLine($"fixed sample: {sample.Count} therapist utterances, behaviour agreement {agree / (double)sample.Count:F4} (argmax without bias)");
}
