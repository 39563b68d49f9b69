using System.Text;
using BenchmarkDotNet.Attributes;
using Rapport.Clinical.Change;

namespace Rapport.Benchmarks.Clinical;

/// <summary>
/// <c>rapport outcomes</c> over 1,000,000 rows (100,000 episodes × 10 sessions): the same streaming parse, aggregate
/// and CSV output path as the CLI command, reading a real file. Budget: ≤ 5 s.
/// </summary>
[MemoryDiagnoser]
public class OutcomesCsvBenchmark
{
    private string _path = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        _path = Path.Combine(Path.GetTempPath(), "rapport-outcomes-1m.csv");
        WriteSample(_path, 100_000, 10);
    }

    [GlobalCleanup]
    public void Cleanup() => File.Delete(_path);

    /// <summary>Writes a deterministic sample file of episodes × sessions rows.</summary>
    public static void WriteSample(string path, int episodes, int sessions)
    {
        var random = new Random(3);
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
        writer.Write(EpisodeOutcomes.InputHeader + "\n");
        for (var e = 0; e < episodes; e++)
        {
            var phq = random.Next(5, 27);
            var gad = random.Next(3, 21);
            for (var s = 1; s <= sessions; s++)
            {
                phq = Math.Clamp(phq + random.Next(-3, 2), 0, 27);
                gad = Math.Clamp(gad + random.Next(-2, 2), 0, 21);
                writer.Write($"ep{e:D6},{s},{phq},{(s % 4 == 0 ? "" : gad)}\n");
            }
        }
    }

    [Benchmark]
    public int OneMillionRows()
    {
        var episodes = new EpisodeOutcomes();
        using (var reader = new StreamReader(_path, Encoding.UTF8, true, 1 << 16))
        {
            reader.ReadLine();
            while (reader.ReadLine() is { } line)
            {
                if (!EpisodeOutcomes.TryParse(line, out var id, out var row, out var error) || !episodes.TryAdd(id, row, out error))
                {
                    throw new InvalidDataException(error);
                }
            }
        }

        var sb = new StringBuilder(64 * (episodes.EpisodeCount + 1));
        sb.Append(EpisodeOutcomes.OutputHeader).Append('\n');
        foreach (var episode in episodes.Results())
        {
            EpisodeOutcomes.AppendCsv(sb, episode);
            sb.Append('\n');
        }

        TextWriter.Null.Write(sb.ToString());
        return sb.Length;
    }
}
