using System.Globalization;
using System.Text;

namespace Rapport.Clinical.Change;

/// <summary>One attended session's totals (either may be missing).</summary>
public readonly record struct OutcomeRow(int Session, int? Phq9, int? Gad7);

/// <summary>One episode's paired outcome, ready to print.</summary>
/// <param name="EpisodeId">Episode id as given.</param>
/// <param name="Sessions">Attended sessions (rows).</param>
/// <param name="Scores">First and last totals.</param>
/// <param name="Outcome">NHS Talking Therapies classification.</param>
public sealed record EpisodeOutcome(string EpisodeId, int Sessions, EpisodeScores Scores, PairedOutcome Outcome);

/// <summary>
/// Streams <c>episode_id,session,phq9,gad7</c> rows (one per attended session) into per-episode first/last scores and
/// classifies each episode with <see cref="NhsPairedOutcome"/>. Pure: the caller reads the lines. Rows may arrive in
/// any order; first and last are by session number. Memory grows with episodes, not rows.
/// </summary>
public sealed class EpisodeOutcomes
{
    /// <summary>The required input header.</summary>
    public const string InputHeader = "episode_id,session,phq9,gad7";

    /// <summary>The output header, exactly.</summary>
    public const string OutputHeader =
        "episode_id,sessions,first_phq9,last_phq9,first_gad7,last_gad7,caseness_at_start,finished_treatment,recovery,reliable_improvement,reliable_deterioration,reliable_recovery";

    private readonly Dictionary<string, Accumulator> _byId = new(StringComparer.Ordinal);
    private readonly List<Accumulator> _inOrder = [];

    /// <summary>Episodes seen so far.</summary>
    public int EpisodeCount => _inOrder.Count;

    /// <summary>Parses one data line; on failure returns <c>false</c> and a message naming the field and the allowed values.</summary>
    public static bool TryParse(ReadOnlySpan<char> line, out ReadOnlySpan<char> episodeId, out OutcomeRow row, out string? error)
    {
        episodeId = default;
        row = default;
        line = line.TrimEnd('\r');
        Span<Range> fields = stackalloc Range[5];
        var count = line.Split(fields, ',');
        if (count != 4)
        {
            error = $"expected 4 comma-separated fields ({InputHeader}), found {(count == 5 ? "more than 4" : count.ToString(CultureInfo.InvariantCulture))}";
            return false;
        }

        episodeId = line[fields[0]].Trim();
        if (episodeId.IsEmpty)
        {
            error = "episode_id is empty";
            return false;
        }

        var sessionText = line[fields[1]].Trim();
        if (!int.TryParse(sessionText, NumberStyles.None, CultureInfo.InvariantCulture, out var session) || session < 1)
        {
            error = $"session '{sessionText}' is not a whole number of at least 1";
            return false;
        }

        if (!TryScore(line[fields[2]].Trim(), "phq9", 27, out var phq9, out error) ||
            !TryScore(line[fields[3]].Trim(), "gad7", 21, out var gad7, out error))
        {
            return false;
        }

        row = new OutcomeRow(session, phq9, gad7);
        error = null;
        return true;
    }

    /// <summary>
    /// Adds a parsed row to its episode. A session number already seen for the episode is rejected: counting it twice
    /// could turn one attended session into a "finished" course of treatment.
    /// </summary>
    public bool TryAdd(ReadOnlySpan<char> episodeId, in OutcomeRow row, out string? error)
    {
        var lookup = _byId.GetAlternateLookup<ReadOnlySpan<char>>();
        if (!lookup.TryGetValue(episodeId, out var acc))
        {
            acc = new Accumulator(episodeId.ToString());
            lookup[episodeId] = acc;
            _inOrder.Add(acc);
        }

        if (!acc.MarkSession(row.Session))
        {
            error = $"episode {acc.Id} has session {row.Session} twice (one row per attended session)";
            return false;
        }

        error = null;
        acc.Sessions++;
        if (row.Phq9 is { } p)
        {
            acc.Phq9.Add(row.Session, p);
        }

        if (row.Gad7 is { } g)
        {
            acc.Gad7.Add(row.Session, g);
        }

        return true;
    }

    /// <summary>Every episode in order of first appearance, classified.</summary>
    public IEnumerable<EpisodeOutcome> Results()
    {
        foreach (var acc in _inOrder)
        {
            var scores = new EpisodeScores(acc.Sessions, acc.Phq9.FirstValue, acc.Phq9.LastValue, acc.Gad7.FirstValue, acc.Gad7.LastValue);
            yield return new EpisodeOutcome(acc.Id, acc.Sessions, scores, NhsPairedOutcome.Classify(scores));
        }
    }

    /// <summary>Appends one output CSV line (without newline).</summary>
    public static void AppendCsv(StringBuilder sb, EpisodeOutcome e)
    {
        ArgumentNullException.ThrowIfNull(sb);
        ArgumentNullException.ThrowIfNull(e);
        var o = e.Outcome;
        sb.Append(e.EpisodeId).Append(',')
            .Append(e.Sessions).Append(',')
            .Append(e.Scores.FirstPhq9).Append(',')
            .Append(e.Scores.LastPhq9).Append(',')
            .Append(e.Scores.FirstGad7).Append(',')
            .Append(e.Scores.LastGad7).Append(',')
            .Append(B(o.CasenessAtStart)).Append(',')
            .Append(B(o.FinishedTreatment)).Append(',')
            .Append(B(o.Recovery)).Append(',')
            .Append(B(o.ReliableImprovement)).Append(',')
            .Append(B(o.ReliableDeterioration)).Append(',')
            .Append(B(o.ReliableRecovery));
    }

    private static string B(bool value) => value ? "true" : "false";

    private static bool TryScore(ReadOnlySpan<char> text, string name, int max, out int? value, out string? error)
    {
        value = null;
        error = null;
        if (text.IsEmpty)
        {
            return true;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) || v > max)
        {
            error = $"{name} '{text}' is not a total from 0 to {max} (or empty)";
            return false;
        }

        value = v;
        return true;
    }

    private sealed class Accumulator(string id)
    {
        public string Id { get; } = id;

        public int Sessions { get; set; }

        public FirstLast Phq9;

        public FirstLast Gad7;

        // Sessions 1-64 in a bit mask (the usual case, no allocation); later sessions in a set.
        private ulong _seen;
        private HashSet<int>? _seenLater;

        public bool MarkSession(int session)
        {
            if (session <= 64)
            {
                var bit = 1UL << (session - 1);
                if ((_seen & bit) != 0)
                {
                    return false;
                }

                _seen |= bit;
                return true;
            }

            return (_seenLater ??= []).Add(session);
        }
    }

    private struct FirstLast
    {
        private int _firstSession;
        private int _lastSession;

        public int? FirstValue { get; private set; }

        public int? LastValue { get; private set; }

        public void Add(int session, int value)
        {
            if (FirstValue is null || session < _firstSession)
            {
                _firstSession = session;
                FirstValue = value;
            }

            if (LastValue is null || session >= _lastSession)
            {
                _lastSession = session;
                LastValue = value;
            }
        }
    }
}
