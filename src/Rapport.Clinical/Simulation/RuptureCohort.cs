using Rapport.Clinical.Alliance;
using Rapport.Clinical.Instruments;

namespace Rapport.Clinical.Simulation;

/// <summary>A simulated alliance series and the rupture planted in it, if any.</summary>
/// <param name="Series">Session totals.</param>
/// <param name="RuptureSession">Session of the planted V-shape drop, or <c>null</c>.</param>
/// <param name="Repaired">Whether the planted rupture returns to baseline within 1-3 sessions.</param>
public sealed record SimulatedAllianceSeries(AlliancePoint[] Series, int? RuptureSession, bool Repaired);

/// <summary>Precision and recall of rupture detection on planted V-shapes.</summary>
/// <param name="Variant">Drop threshold variant.</param>
/// <param name="Precision">Detected ruptures that match a planted one (drop within one session of it).</param>
/// <param name="Recall">Planted ruptures that were detected.</param>
/// <param name="RepairAgreement">Among matched ruptures, share whose repaired/unrepaired call matches the truth.</param>
/// <param name="Planted">Planted ruptures.</param>
/// <param name="Detected">Detected ruptures.</param>
public sealed record RuptureMetrics(DropVariant Variant, double Precision, double Recall, double RepairAgreement, int Planted, int Detected);

/// <summary>
/// Simulated per-session alliance series on the Rapport Session Check (0-40) with planted V-shaped ruptures: a stable
/// client level with a slight upward drift and within-client noise; in a share of clients one drop (6-12 points by default) that
/// either returns within 1-3 sessions (repaired) or stays down for the rest of the window (unrepaired).
/// </summary>
public static class RuptureCohort
{
    /// <summary>Generates <paramref name="count"/> client series.</summary>
    public static IReadOnlyList<SimulatedAllianceSeries> Generate(int count, int seed, double ruptureShare = 0.4, double repairedShare = 0.7, double minDepth = 6, double maxDepth = 12)
    {
        var random = new Random(seed);
        var list = new List<SimulatedAllianceSeries>(count);
        for (var c = 0; c < count; c++)
        {
            var sessions = random.Next(12, 21);
            var level = Math.Min(38, OutcomeCohort.Gaussian(random, 33, 3));
            var drift = random.NextDouble() * 0.2;
            var noise = 0.8 + (random.NextDouble() * 1.4);
            int? rupture = random.NextDouble() < ruptureShare ? random.Next(6, sessions - 4) : null;
            var repaired = rupture is not null && random.NextDouble() < repairedShare;
            var repairAfter = random.Next(1, 4);
            var depth = minDepth + (random.NextDouble() * (maxDepth - minDepth));
            var series = new AlliancePoint[sessions];
            for (var t = 1; t <= sessions; t++)
            {
                var truth = level + (drift * t);
                if (rupture is { } r && t >= r)
                {
                    var down = repaired ? t < r + repairAfter : true;
                    truth -= down ? depth : 0;
                }

                series[t - 1] = new AlliancePoint(t, Math.Clamp(Math.Round(truth + OutcomeCohort.Gaussian(random, 0, noise)), 0, 40));
            }

            list.Add(new SimulatedAllianceSeries(series, rupture, repaired));
        }

        return list;
    }

    /// <summary>Runs detection and scores it against the planted ruptures.</summary>
    public static RuptureMetrics Evaluate(Instrument instrument, IReadOnlyList<SimulatedAllianceSeries> cohort, DropVariant variant)
    {
        ArgumentNullException.ThrowIfNull(cohort);
        var options = AllianceSignalOptions.Default with { RuptureVariant = variant };
        int planted = 0, detected = 0, matched = 0, found = 0, repairAgree = 0;
        foreach (var client in cohort)
        {
            var signals = AllianceSignals.Detect(instrument, client.Series, options);
            planted += client.RuptureSession is null ? 0 : 1;
            var hit = false;
            foreach (var s in signals)
            {
                if (s.Kind is not (AllianceSignalKind.RuptureRepair or AllianceSignalKind.UnrepairedRupture))
                {
                    continue;
                }

                detected++;
                var isMatch = client.RuptureSession is { } r && s.RelatedSession >= r && s.RelatedSession <= r + 1;
                if (isMatch)
                {
                    matched++;
                    if (!hit)
                    {
                        found++;
                        hit = true;
                        repairAgree += (s.Kind == AllianceSignalKind.RuptureRepair) == client.Repaired ? 1 : 0;
                    }
                }
            }
        }

        return new RuptureMetrics(
            variant,
            detected == 0 ? 0 : (double)matched / detected,
            planted == 0 ? 0 : (double)found / planted,
            found == 0 ? 0 : (double)repairAgree / found,
            planted,
            detected);
    }
}
