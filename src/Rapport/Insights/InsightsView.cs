using Rapport.Clinical.Insights;

namespace Rapport.Insights;

/// <summary>The period the insights cover: episodes that ended (or started) from <see cref="From"/> to <see cref="To"/>, both included.</summary>
public sealed record InsightsPeriod(DateOnly From, DateOnly To);

/// <summary>How a figure is written.</summary>
public enum FigureKind
{
    /// <summary>A proportion, shown as a percentage.</summary>
    Percent,
    /// <summary>A standardised effect size (d).</summary>
    EffectSize,
    /// <summary>A correlation (r).</summary>
    Correlation,
    /// <summary>An internal consistency (α).</summary>
    Alpha,
    /// <summary>A mean on the instrument's own scale.</summary>
    Mean,
}

/// <summary>
/// One figure: its estimate and 95 % interval, or, below the practice's minimum n, no estimate and the reason
/// (<see cref="HiddenBecause"/>). <see cref="N"/> is always given, so a reader sees what every figure rests on.
/// </summary>
public sealed record Figure(string Name, FigureKind Kind, int N, Estimate? Estimate, string? HiddenBecause, string Interval = "95 % Wilson interval");

/// <summary>One row of the intake severity distribution (case-mix).</summary>
public sealed record CaseMixBand(string Band, int Count);

/// <summary>The figures of one quarter (by the quarter an episode ended in).</summary>
public sealed record QuarterTrend(string Quarter, Figure ReliableImprovement, Figure MeanAlliance);

/// <summary>The practice, or one therapist, over the period.</summary>
/// <param name="Label">"The practice", the therapist's name, or "You".</param>
/// <param name="Started">Episodes started in the period (the lead therapist's).</param>
/// <param name="Ended">Courses (one per member) that ended in the period.</param>
/// <param name="Finished">Of those, courses with at least two attended sessions (NHS "finished a course of treatment").</param>
/// <param name="CaseMixN">Ended courses with an intake PHQ-9: the case-mix's n, shown or not.</param>
/// <param name="CaseMixHiddenBecause">Why the case-mix is not shown, when too few courses ended.</param>
public sealed record ProviderInsights(
    string Label,
    int Started,
    int Ended,
    int Finished,
    IReadOnlyList<Figure> Figures,
    IReadOnlyList<CaseMixBand> CaseMix,
    int CaseMixN,
    string? CaseMixHiddenBecause);

/// <summary>One therapist's point on the funnel: named for those the viewer may compare by name, else "Colleague A" ….</summary>
public sealed record FunnelProvider(string Label, int N, int Events, double? Proportion, FunnelPosition? Position, string? HiddenBecause);

/// <summary>The funnel plot of reliable improvement: the practice's proportion, the control limits by n, and each therapist.</summary>
public sealed record FunnelView(string Measure, double? Target, int TargetN, IReadOnlyList<FunnelPoint> Curve, IReadOnlyList<FunnelProvider> Providers);

/// <summary>Everything the insights page (and its CSV) shows.</summary>
public sealed record InsightsView(
    string PracticeName,
    InsightsPeriod Period,
    int MinimumN,
    ProviderInsights Practice,
    IReadOnlyList<ProviderInsights> Therapists,
    FunnelView Funnel,
    IReadOnlyList<Figure> Reliability,
    Figure AllianceOutcome,
    IReadOnlyList<QuarterTrend> Quarters);
