using System.Globalization;
using System.Text;
using Rapport.Clinical.Insights;

namespace Rapport.Insights;

/// <summary>One line of the insights as shown: section, who, figure, the value as written, its interval, n, and any note.</summary>
public sealed record InsightsRow(string Section, string Who, string Figure, string Value, string Interval, string N, string Note);

/// <summary>
/// The one place the insights become text: the page renders these rows and the CSV writes the same rows, so the
/// download holds exactly what the page shows (no more precision, no hidden figure, no client).
/// </summary>
public static class InsightsTable
{
    public const string CsvHeader = "section,who,figure,value,interval,n,note";

    public static IReadOnlyList<InsightsRow> Rows(InsightsView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var rows = new List<InsightsRow>();
        foreach (var provider in new[] { view.Practice }.Concat(view.Therapists))
        {
            rows.Add(new("Episodes", provider.Label, "Episodes started", Count(provider.Started), "", Count(provider.Started), ""));
            rows.Add(new("Episodes", provider.Label, "Courses ended", Count(provider.Ended), "", Count(provider.Ended), ""));
            rows.Add(new("Episodes", provider.Label, "Finished a course of treatment", Count(provider.Finished), "", Count(provider.Finished), ""));
            rows.AddRange(provider.Figures.Select(f => Row("Outcomes", provider.Label, f)));
            if (provider.CaseMixHiddenBecause is { } why)
            {
                rows.Add(new("Case-mix (intake PHQ-9)", provider.Label, "Severity at intake", "not shown", "", Count(provider.CaseMixN), why));
            }
            else
            {
                var total = provider.CaseMix.Sum(b => b.Count);
                var suppressed = SmallCells(provider.CaseMix);
                rows.AddRange(provider.CaseMix.Select(b => suppressed.Contains(b.Band)
                    ? new InsightsRow("Case-mix (intake PHQ-9)", provider.Label, b.Band, "not shown", "", Count(total), SmallCellReason)
                    : new InsightsRow("Case-mix (intake PHQ-9)", provider.Label, b.Band, Percent(b.Count / (double)total), Wilson(b.Count, total), Count(total), "")));
            }
        }

        var funnel = view.Funnel;
        rows.Add(funnel.Target is { } target
            ? new("Funnel: reliable improvement", "The practice (target)", funnel.Measure, Percent(target), Wilson((int)Math.Round(target * funnel.TargetN), funnel.TargetN), Count(funnel.TargetN), "")
            : new("Funnel: reliable improvement", "The practice (target)", funnel.Measure, "not shown", "", Count(funnel.TargetN),
                Clinical.Insights.MinimumN.HiddenBecause(funnel.TargetN, view.MinimumN) ?? ""));
        foreach (var p in funnel.Providers)
        {
            rows.Add(p.Proportion is { } proportion
                ? new("Funnel: reliable improvement", p.Label, funnel.Measure, Percent(proportion), Wilson(p.Events, p.N), Count(p.N), Position(p.Position))
                : new("Funnel: reliable improvement", p.Label, funnel.Measure, "not shown", "", Count(p.N), p.HiddenBecause ?? ""));
        }

        rows.AddRange(view.Reliability.Select(f => Row("Measures in this practice", "The practice", f)));
        rows.Add(Row("Alliance and outcome", "The practice", view.AllianceOutcome));
        foreach (var q in view.Quarters)
        {
            rows.Add(Row("By quarter", q.Quarter, q.ReliableImprovement));
            rows.Add(Row("By quarter", q.Quarter, q.MeanAlliance));
        }

        return rows;
    }

    /// <summary>The rows as RFC 4180 CSV (fields quoted when they hold a comma, quote or line break).</summary>
    public static string Csv(InsightsView view)
    {
        var sb = new StringBuilder(CsvHeader).Append("\r\n");
        foreach (var r in Rows(view))
        {
            sb.AppendJoin(',', new[] { r.Section, Neutralised(r.Who), r.Figure, r.Value, r.Interval, r.N, r.Note }.Select(Quote)).Append("\r\n");
        }

        return sb.ToString();
    }

    /// <summary>How a figure is written on the page and in the CSV.</summary>
    public static string Value(Figure figure)
    {
        ArgumentNullException.ThrowIfNull(figure);
        return figure.Estimate is { } e ? Format(figure.Kind, e.Value) : "not shown";
    }

    /// <summary>The figure's interval as written ("41 % to 63 %").</summary>
    public static string IntervalText(Figure figure)
    {
        ArgumentNullException.ThrowIfNull(figure);
        return figure.Estimate is { } e ? $"{Format(figure.Kind, e.Lower)} to {Format(figure.Kind, e.Upper)} ({figure.Interval})" : "";
    }

    // A shown share (a case-mix band, a funnel point) carries its interval like every other figure.
    private static string Wilson(int events, int n)
    {
        var e = Estimates.Proportion(events, n);
        return $"{Percent(e.Lower)} to {Percent(e.Upper)} (95 % Wilson interval)";
    }

    private static InsightsRow Row(string section, string who, Figure f) =>
        new(section, who, f.Name, Value(f), IntervalText(f), Count(f.N), f.HiddenBecause ?? "");

    private static string Format(FigureKind kind, double value) => kind switch
    {
        FigureKind.Percent => Percent(value),
        FigureKind.Mean => value.ToString("0.0", CultureInfo.InvariantCulture),
        _ => value.ToString("0.00", CultureInfo.InvariantCulture),
    };

    private static string Percent(double p) => (p * 100).ToString("0", CultureInfo.InvariantCulture) + " %";

    private static string Count(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static string Position(Clinical.Insights.FunnelPosition? position) => position switch
    {
        Clinical.Insights.FunnelPosition.Within => "within the 95 % limits",
        Clinical.Insights.FunnelPosition.AboveInner => "above the 95 % limit",
        Clinical.Insights.FunnelPosition.AboveOuter => "above the 99.8 % limit",
        Clinical.Insights.FunnelPosition.BelowInner => "below the 95 % limit",
        Clinical.Insights.FunnelPosition.BelowOuter => "below the 99.8 % limit",
        _ => "",
    };

    private const string SmallCellReason = "fewer than 5 people, or would give such a band away";

    /// <summary>
    /// Bands too small to show without pointing at people: fewer than <see cref="MinimumN.Floor"/> (an empty band too,
    /// so "none" and "a few" look alike), and when that leaves one band hidden, the next smallest as well, so the total
    /// cannot give it away.
    /// </summary>
    private static HashSet<string> SmallCells(IReadOnlyList<CaseMixBand> bands)
    {
        var small = bands.Where(b => b.Count < MinimumN.Floor).Select(b => b.Band).ToHashSet();
        if (small.Count == 1 && bands.Where(b => !small.Contains(b.Band)).OrderBy(b => b.Count).FirstOrDefault() is { } next)
        {
            small.Add(next.Band);
        }

        return small;
    }

    // A spreadsheet runs a cell that starts with = + - @ as a formula (CSV injection). Only who a row is about comes
    // from people (a therapist's display name); every other cell is the code's own words and numbers.
    private static string Neutralised(string field) =>
        field.Length > 0 && "=+-@".Contains(field[0], StringComparison.Ordinal) ? "'" + field : field;

    private static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;
}
