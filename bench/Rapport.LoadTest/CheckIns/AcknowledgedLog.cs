using System.Collections.Concurrent;
using System.Text.Json;

namespace Rapport.LoadTest.CheckIns;

/// <summary>
/// Every answer the server acknowledged, in the order the acknowledgements arrived. Appended to a JSON-lines file as
/// they come (flushed per line), so a test that kills the server, or the driver itself, still has the list to check
/// the database against afterwards.
/// </summary>
public sealed class AcknowledgedLog : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly ConcurrentQueue<AcknowledgedAnswer> _answers = new();
    private readonly StreamWriter? _file;
    private readonly Lock _write = new();

    /// <param name="path">A JSON-lines file to append to as answers are acknowledged; <c>null</c> keeps them in memory only.</param>
    public AcknowledgedLog(string? path = null)
    {
        if (path is not null)
        {
            _file = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read)) { AutoFlush = true };
        }
    }

    public int Count => _answers.Count;

    public IReadOnlyList<AcknowledgedAnswer> Answers => [.. _answers];

    public void Add(AcknowledgedAnswer answer)
    {
        _answers.Enqueue(answer);
        if (_file is not null)
        {
            var line = JsonSerializer.Serialize(answer, Json);
            lock (_write)
            {
                _file.WriteLine(line);
            }
        }
    }

    /// <summary>Reads a log written by <see cref="AcknowledgedLog(string?)"/>; a last line cut off by a kill is skipped.</summary>
    public static IReadOnlyList<AcknowledgedAnswer> Read(string path)
    {
        var answers = new List<AcknowledgedAnswer>();
        foreach (var line in File.ReadLines(path))
        {
            try
            {
                if (JsonSerializer.Deserialize<AcknowledgedAnswer>(line, Json) is { } answer)
                {
                    answers.Add(answer);
                }
            }
            catch (JsonException)
            {
                // Only the last line can be incomplete (written when the process died).
            }
        }

        return answers;
    }

    /// <summary>
    /// What the database must hold for each client, episode and instrument: the last acknowledged value of every
    /// question, and whether an acknowledged answer completed the instrument (then a stored response holds exactly
    /// these answers; otherwise the draft does, or a response if the completing answer's acknowledgement was lost).
    /// </summary>
    public static IReadOnlyList<ExpectedInstrument> Expected(IEnumerable<AcknowledgedAnswer> answers) =>
    [
        .. answers.GroupBy(a => (a.Email, a.EpisodeId, a.InstrumentId))
            .Select(g => new ExpectedInstrument(g.Key.Email, g.Key.EpisodeId, g.Key.InstrumentId,
                g.GroupBy(a => a.LinkId).ToDictionary(l => l.Key, l => l.Last().Value), g.Any(a => a.Submitted))),
    ];

    public void Dispose() => _file?.Dispose();
}

/// <summary>One instrument's acknowledged answers for one client (see <see cref="AcknowledgedLog.Expected"/>).</summary>
public sealed record ExpectedInstrument(string Email, Guid EpisodeId, string InstrumentId, IReadOnlyDictionary<string, int> Answers, bool Submitted);
