using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Rapport.Clinical.ExpectedResponse;
using Rapport.Clinical.Instruments;
using Rapport.Persistence;

namespace Rapport.Progress;

/// <summary>
/// What one practice uses as the expected response for one outcome instrument, as last decided by
/// <see cref="RefitExpectedModels"/>: a model fitted on its own finished episodes (<see cref="ParametersJson"/> set), or
/// the documented default while it has too few. One row per practice and instrument, shared by every app instance,
/// so a restart neither refits nor loses the model. Aggregate numbers only: nothing about any one client.
/// </summary>
public sealed class PracticeExpectedModel
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid PracticeId { get; init; }
    public required string InstrumentId { get; init; }

    /// <summary>Finished episodes (client series with an intake and at least one later score) found at the last check.</summary>
    public int Episodes { get; set; }

    /// <summary>When the practice's episodes were last read; the next refit is due a refit interval later.</summary>
    public DateTime CheckedAt { get; set; }

    /// <summary>When the stored model was fitted; null while the default is in use.</summary>
    public DateTime? FittedAt { get; set; }

    /// <summary>The fitted band's half-width in residual SDs; null while the default is in use.</summary>
    public double? Tolerance { get; set; }

    /// <summary>How the model was made, in words, for the therapist.</summary>
    public required string Description { get; set; }

    /// <summary>The fitted model (<see cref="ExpectedModelParameters.ToJson"/>); null while the default is in use.</summary>
    public string? ParametersJson { get; set; }

    public Guid Version { get; set; } = Guid.NewGuid();
}

/// <summary>
/// The expected-response models one practice uses now, per outcome instrument: its stored fitted model when the
/// background refit has made one, otherwise <see cref="ExpectedResponseModel.Default"/>. Loaded with one small query
/// (<see cref="LoadAsync"/>), never fitted on a request.
/// </summary>
public sealed class ExpectedModels
{
    private readonly Dictionary<string, (RegressionModel Model, int Episodes, DateTime FittedAt)> _fitted;

    private ExpectedModels(Dictionary<string, (RegressionModel, int, DateTime)> fitted) => _fitted = fitted;

    /// <summary>Every instrument on the documented default (no practice, or nothing fitted yet).</summary>
    public static ExpectedModels Defaults { get; } = new([]);

    /// <summary>The model to judge this instrument's scores by.</summary>
    public ExpectedResponseModel For(Instrument instrument)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        return _fitted.TryGetValue(instrument.Id, out var f) ? f.Model : ExpectedResponseModel.Default(instrument);
    }

    /// <summary>Whether the practice's own fitted model is in use for this instrument.</summary>
    public bool IsFitted(string instrumentId) => _fitted.ContainsKey(instrumentId);

    /// <summary>Where the band comes from, in a few words: "fitted on N finished episodes at this practice" or "assumed, not fitted".</summary>
    public string Basis(string instrumentId) => _fitted.TryGetValue(instrumentId, out var f)
        ? string.Create(CultureInfo.InvariantCulture, $"fitted on {f.Episodes} finished episodes at this practice")
        : "assumed, not fitted";

    /// <summary>The band's source in full, for the chart: the fitted model with its date and method, or the default curve's parameters.</summary>
    public string Describe(Instrument instrument)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        if (!_fitted.TryGetValue(instrument.Id, out var f))
        {
            return ExpectedResponseModel.Default(instrument).Source;
        }

        return string.Create(CultureInfo.InvariantCulture,
            $"fitted on {f.Episodes} finished episodes at this practice on {f.FittedAt:d MMM yyyy}: per-session regression of the score on the intake score (Finch, Lambert & Schaalje 2001 style), band ±{f.Model.Tolerance:0.##} residual SD, calibrated so that at most 25 % of the practice's reliably improved episodes would have been flagged by session 3");
    }

    /// <summary>
    /// The practice's models: from <paramref name="cache"/> when it holds them, otherwise one query of the stored rows.
    /// A row that cannot be restored (damaged, or written by another version) falls back to the default rather than
    /// breaking the dashboard; the next refit replaces it.
    /// </summary>
    public static async Task<ExpectedModels> LoadAsync(RapportDb db, Guid? practiceId, ExpectedModelCache cache, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(cache);
        if (practiceId is not { } id)
        {
            return Defaults;
        }

        if (cache.TryGet(id, out var cached))
        {
            return cached;
        }

        var rows = await db.PracticeExpectedModels.AsNoTracking()
            .Where(m => m.PracticeId == id && m.ParametersJson != null)
            .Select(m => new { m.InstrumentId, m.Episodes, m.FittedAt, m.ParametersJson })
            .ToListAsync(cancellationToken);
        var fitted = new Dictionary<string, (RegressionModel, int, DateTime)>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            if (InstrumentCatalog.TryGet(row.InstrumentId, out var instrument) && row.FittedAt is { } at && TryRestore(instrument, row.ParametersJson!, out var model))
            {
                fitted[row.InstrumentId] = (model, row.Episodes, at);
            }
        }

        var models = fitted.Count == 0 ? Defaults : new ExpectedModels(fitted);
        cache.Set(id, models);
        return models;
    }

    private static bool TryRestore(Instrument instrument, string json, out RegressionModel model)
    {
        try
        {
            model = RegressionModel.Restore(instrument, ExpectedModelParameters.FromJson(json));
            return true;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            model = null!;
            return false;
        }
    }
}

/// <summary>
/// Keeps each practice's <see cref="ExpectedModels"/> in memory for a few minutes, so a dashboard or chart costs no
/// query for them. A refit in this process forgets the practice at once; other instances see it within
/// <see cref="KeepFor"/>.
/// </summary>
public sealed class ExpectedModelCache(TimeProvider clock)
{
    public static readonly TimeSpan KeepFor = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<Guid, (ExpectedModels Models, DateTimeOffset Until)> _byPractice = new();

    public bool TryGet(Guid practiceId, out ExpectedModels models)
    {
        if (_byPractice.TryGetValue(practiceId, out var entry) && entry.Until > clock.GetUtcNow())
        {
            models = entry.Models;
            return true;
        }

        models = null!;
        return false;
    }

    public void Set(Guid practiceId, ExpectedModels models) => _byPractice[practiceId] = (models, clock.GetUtcNow() + KeepFor);

    public void Forget(Guid practiceId) => _byPractice.TryRemove(practiceId, out _);
}
