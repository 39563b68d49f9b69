namespace Rapport.Listening.Coding;

/// <summary>
/// K-fold split that keeps every group (AnnoMI: every source video, which several transcripts can share) inside one
/// fold, so no video is on both sides. Groups go largest first to the currently smallest fold: folds stay balanced
/// and the split is deterministic.
/// </summary>
public static class GroupKFold
{
    /// <summary>Fold number (0…k-1) for each item.</summary>
    public static int[] Assign<T>(IReadOnlyList<T> items, Func<T, string> group, Func<T, int> size, int folds)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(size);
        ArgumentOutOfRangeException.ThrowIfLessThan(folds, 2);
        var groups = items.Select((item, i) => (Key: group(item), Size: size(item), Index: i))
            .GroupBy(x => x.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, Size: g.Sum(x => x.Size), Members: g.Select(x => x.Index).ToList()))
            .OrderByDescending(g => g.Size).ThenBy(g => g.Key, StringComparer.Ordinal)
            .ToList();
        if (groups.Count < folds)
        {
            throw new ArgumentException($"{groups.Count} groups cannot fill {folds} folds.", nameof(folds));
        }

        var load = new long[folds];
        var result = new int[items.Count];
        foreach (var g in groups)
        {
            var target = Array.IndexOf(load, load.Min());
            load[target] += g.Size;
            foreach (var m in g.Members)
            {
                result[m] = target;
            }
        }

        return result;
    }
}
