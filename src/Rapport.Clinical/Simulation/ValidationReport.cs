using System.Globalization;
using System.Text;
using Rapport.Clinical.Alliance;
using Rapport.Clinical.ExpectedResponse;
using Rapport.Clinical.Instruments;

namespace Rapport.Clinical.Simulation;

/// <summary>
/// The simulation study behind docs/clinical/validation.md, as one pure function of a seed so anyone can reproduce it
/// (<c>rapport simulate --seed 20261123</c>).
/// </summary>
public static class ValidationReport
{
    /// <summary>Default seed used for the published figures.</summary>
    public const int DefaultSeed = 20261123;

    /// <summary>Runs every simulation and returns Markdown tables.</summary>
    public static string Build(int seed = DefaultSeed, int episodes = 4000, int allianceClients = 2000)
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"Seed {seed}; {episodes} calibration + {episodes} test episodes per instrument; {allianceClients} alliance series.");
        md.AppendLine();
        md.AppendLine("### Not on track (flag = a score at session 2 or 3 outside the band on the worse side)");
        md.AppendLine();
        md.AppendLine("| instrument | model | tolerance (SD) | by session | deteriorators flagged | non-improvers flagged | all off-course flagged | false alarms (improvers flagged) | n det / non / imp |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var id in new[] { InstrumentCatalog.Phq9Id, InstrumentCatalog.Gad7Id })
        {
            var instrument = InstrumentCatalog.Get(id);
            var calibration = OutcomeCohort.Generate(instrument, episodes, seed);
            var test = OutcomeCohort.Generate(instrument, episodes, seed + 1);
            var pool = calibration.Select(e => e.Series).ToArray();

            var defaultModel = ExpectedResponseModel.Default(instrument);
            Row(md, id, NotOnTrackEvaluation.Evaluate("default curve, z 1.0", defaultModel, test, 3));

            var zDefault = NotOnTrackEvaluation.CalibrateTolerance(z => ExpectedResponseModel.Default(instrument, z), calibration, 3, 0.25);
            Row(md, id, NotOnTrackEvaluation.Evaluate($"default curve, z calibrated", ExpectedResponseModel.Default(instrument, zDefault), test, 3));

            var zFit = NotOnTrackEvaluation.CalibrateTolerance(z => ExpectedResponseModel.Fit(instrument, pool, z), calibration, 3, 0.25);
            var fitted = ExpectedResponseModel.Fit(instrument, pool, zFit);
            Row(md, id, NotOnTrackEvaluation.Evaluate("refit (per-session OLS)", fitted, test, 3));
            Row(md, id, NotOnTrackEvaluation.Evaluate("refit (per-session OLS)", fitted, test, 5));

            var zNn = NotOnTrackEvaluation.CalibrateTolerance(z => new NearestNeighbourModel(instrument, pool, 50, z), calibration, 3, 0.25);
            Row(md, id, NotOnTrackEvaluation.Evaluate("nearest neighbours k 50", new NearestNeighbourModel(instrument, pool, 50, zNn), test, 3));
        }

        md.AppendLine();
        md.AppendLine("### Rupture detection on planted V-shapes (Rapport Session Check, 0-40)");
        md.AppendLine();
        md.AppendLine("| planted drop depth | drop variant | precision | recall | repaired/unrepaired call agrees | planted | detected |");
        md.AppendLine("|---|---|---|---|---|---|---|");
        var check = InstrumentCatalog.Get(InstrumentCatalog.SessionCheckId);
        foreach (var (minDepth, maxDepth) in new[] { (6.0, 12.0), (3.0, 7.0) })
        {
            var alliance = RuptureCohort.Generate(allianceClients, seed, minDepth: minDepth, maxDepth: maxDepth);
            foreach (var variant in new[] { DropVariant.OneSd, DropVariant.TwoSd })
            {
                var m = RuptureCohort.Evaluate(check, alliance, variant);
                md.AppendLine(CultureInfo.InvariantCulture, $"| {minDepth}-{maxDepth} points | {(variant == DropVariant.OneSd ? "max(1 SD, RC)" : "max(2 SD, RC)")} | {P(m.Precision)} | {P(m.Recall)} | {P(m.RepairAgreement)} | {m.Planted} | {m.Detected} |");
            }
        }

        return md.ToString();
    }

    private static void Row(StringBuilder md, string id, NotOnTrackMetrics m) =>
        md.AppendLine(CultureInfo.InvariantCulture, $"| {id} | {m.Model} | {m.Tolerance:0.00} | {m.BySession} | {P(m.DeterioratorsFlagged)} | {P(m.NonImproversFlagged)} | {P(m.PositivesFlagged)} | {P(m.FalseAlarms)} | {m.Counts.Deteriorators} / {m.Counts.NonImprovers} / {m.Counts.Improvers} |");

    private static string P(double share) => (share * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %";
}
