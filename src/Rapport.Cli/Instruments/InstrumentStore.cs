using Rapport.Clinical.Instruments;

namespace Rapport.Cli.Instruments;

/// <summary>Finds an instrument and, for a pack, the wording a licensed practice imported under the data folder.</summary>
internal static class InstrumentStore
{
    internal const string DefaultDataFolder = "data";

    internal static string PathFor(string dataFolder, string id) => Path.Combine(dataFolder, "instruments", id + ".json");

    /// <summary>Resolves <paramref name="id"/>; returns an error line when the id is unknown or the imported file no longer validates.</summary>
    internal static Instrument? Resolve(string id, string dataFolder, out string? error)
    {
        error = null;
        if (!InstrumentCatalog.TryGet(id, out var instrument))
        {
            error = $"unknown instrument '{id}'; known: {string.Join(", ", InstrumentCatalog.All.Select(i => i.Id))}";
            return null;
        }

        if (instrument.HasWording)
        {
            return instrument;
        }

        var path = PathFor(dataFolder, instrument.Id);
        if (!File.Exists(path))
        {
            return instrument;
        }

        var merged = InstrumentImport.Merge(instrument, File.ReadAllText(path));
        if (!merged.IsValid)
        {
            error = $"imported wording at {path} does not match {instrument.Id}: {merged.Errors[0]}";
            return null;
        }

        return merged.Instrument;
    }
}
