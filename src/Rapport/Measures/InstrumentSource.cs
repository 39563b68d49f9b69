using System.Collections.Concurrent;
using Rapport.Clinical.Instruments;
using Rapport.Persistence;

namespace Rapport.Measures;

/// <summary>
/// The instruments as this practice has them: the bundled ones, plus the wording a practice imported for an instrument
/// that ships without it (the licence-gated packs, and the C-NIP, whose official wording we could not verify).
/// <c>rapport instruments import FILE</c> stores it as <c>instruments/{id}.json</c> in the data folder (beside the SQLite
/// file, or <c>data/</c>), and the app picks it up here, so the check-in can ask it. A file that no longer matches the
/// instrument's structure is ignored: the instrument stays unasked rather than asked wrongly.
/// </summary>
public sealed class InstrumentSource(string? folder)
{
    /// <summary>Only what ships with Rapport: instruments without wording are never asked.</summary>
    public static InstrumentSource BundledOnly { get; } = new(null);

    private readonly ConcurrentDictionary<string, (DateTime Written, Instrument Instrument)> _imported = new(StringComparer.Ordinal);

    /// <summary>The data folder the app and the CLI share for a database configuration.</summary>
    public static string FolderFor(DatabaseOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Provider == DatabaseProvider.Sqlite
            ? Path.GetDirectoryName(Path.GetFullPath(options.Path)) ?? "data"
            : Path.GetFullPath("data");
    }

    public Instrument Get(string id)
    {
        var bundled = InstrumentCatalog.Get(id);
        if (bundled.HasWording || folder is null)
        {
            return bundled;
        }

        var path = Path.Combine(folder, "instruments", id + ".json");
        if (!File.Exists(path))
        {
            return bundled;
        }

        // Re-read only when the file changed: an import takes effect without a restart.
        var written = File.GetLastWriteTimeUtc(path);
        if (_imported.TryGetValue(id, out var cached) && cached.Written == written)
        {
            return cached.Instrument;
        }

        var merged = InstrumentImport.Merge(bundled, File.ReadAllText(path));
        var instrument = merged.IsValid ? merged.Instrument! : bundled;
        _imported[id] = (written, instrument);
        return instrument;
    }

    /// <summary>
    /// Whether the check-in can ask this instrument now: installed, usable, and with its wording (shipped or imported).
    /// The one rule for what is due: the check-in, the dashboard's overdue flag, the episode view, the reminders and
    /// the plan form all use it, so nobody is flagged or reminded for a measure they could never answer.
    /// </summary>
    public bool IsAskable(string id) => TryGet(id, out var instrument) && instrument.IsUsable && instrument.HasWording;

    /// <summary>
    /// The ids of every askable instrument, read once for a whole request (a dashboard of a hundred clients looks at the
    /// data folder once, not once per client; an import still takes effect on the next request).
    /// </summary>
    public IReadOnlySet<string> Askable() =>
        InstrumentCatalog.All.Select(i => i.Id).Where(IsAskable).ToHashSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>Only the due measures the check-in can ask.</summary>
    public static IReadOnlyList<DueMeasure> AskableOnly(IEnumerable<DueMeasure> due, IReadOnlySet<string> askable) =>
        [.. due.Where(d => askable.Contains(d.InstrumentId))];

    public bool TryGet(string id, out Instrument instrument)
    {
        if (!InstrumentCatalog.TryGet(id, out _))
        {
            instrument = null!;
            return false;
        }

        instrument = Get(id);
        return true;
    }
}
