using System.Globalization;
using System.Text.Json;
using Rapport.Clinical.Alliance;
using Rapport.Clinical.Change;
using Rapport.Clinical.ExpectedResponse;
using Rapport.Clinical.Instruments;
using Rapport.Sessions;

namespace Rapport.Progress;

/// <summary>Which way one instrument's score moved from the first to the latest answer, judged by reliable change.</summary>
public enum ChangeCategory
{
    /// <summary>Fewer than two scores: nothing to compare yet.</summary>
    NotYetKnown,
    ReliableImprovement,
    NoReliableChange,
    ReliableDeterioration,
}

/// <summary>What an alliance marker on the chart stands for.</summary>
public enum AllianceMarkerKind
{
    /// <summary>Below the instrument's low-alliance threshold, or the lowest this client has given.</summary>
    LowAlliance,

    /// <summary>A fall against the client's own running mean (the first arm of a rupture's V).</summary>
    Rupture,

    /// <summary>A return to the pre-drop level within the repair window.</summary>
    Repair,

    /// <summary>No return to the pre-drop level within the repair window.</summary>
    Unrepaired,
}

/// <summary>One answered set of one instrument, as stored: the input to <see cref="EpisodeProgress.Build"/>.</summary>
public sealed record ProgressResponse(string InstrumentId, DateTime SubmittedAt, Guid? SessionId, int? Total, string AnswersJson);

/// <summary>One session of the episode, for numbering the points and the attended count.</summary>
public sealed record ProgressSession(Guid Id, int Number, SessionStatus Status);

/// <summary>One outcome score with the expected band for this client at this point (index 1 = the first score, the intake).</summary>
public sealed record OutcomePoint(int Measurement, DateTime At, int? SessionNumber, int Score, double ExpectedLower, double Expected, double ExpectedUpper, bool AboveBand);

/// <summary>An outcome instrument's course in one episode, with its cut-off and change category.</summary>
public sealed record OutcomeSeries(
    string InstrumentId,
    string Name,
    int Min,
    int Max,
    int? CutOff,
    double ReliableChange,
    IReadOnlyList<OutcomePoint> Points,
    ChangeCategory Change,
    int? ChangeBy,
    string BandSource)
{
    public int? First => Points.Count > 0 ? Points[0].Score : null;

    public int? Latest => Points.Count > 0 ? Points[^1].Score : null;
}

/// <summary>A signal shown on the alliance chart, at the check-in it was raised.</summary>
public sealed record AllianceMarker(AllianceMarkerKind Kind, int Measurement, string Detail);

public sealed record AllianceScore(int Measurement, DateTime At, int? SessionNumber, int Score);

/// <summary>
/// The Session Check totals after each session, with the alliance signals of <see cref="AllianceSignals"/> as markers,
/// and <paramref name="Concern"/>: the one alliance concern now (<see cref="AllianceConcern"/>, in the same words as the
/// dashboard and the episode view), or null when there is none.
/// </summary>
public sealed record AllianceSeries(string InstrumentId, string Name, int Min, int Max, double? LowBelow, IReadOnlyList<AllianceScore> Points, IReadOnlyList<AllianceMarker> Markers, string? Concern = null);

/// <summary>NHS Talking Therapies paired outcome for the episode (PHQ-9 with GAD-7), when it can be judged.</summary>
public sealed record EpisodeOutcome(int AttendedSessions, PairedOutcome Outcome);

/// <summary>One item's answers across the check-ins of one instrument.</summary>
public sealed record ItemRow(string LinkId, string Text, bool IsRiskItem, int? RiskFrom, IReadOnlyList<int?> Answers);

/// <summary>Item-level answers of one instrument: therapists read the items, not only the totals.</summary>
public sealed record ItemTable(string InstrumentId, string Name, IReadOnlyList<DateTime> Columns, IReadOnlyList<int?> Totals, IReadOnlyList<ItemRow> Items, IReadOnlyList<AnswerOption> Scale);

/// <summary>
/// One client's progress in one episode: outcome series with the expected band and change category, the alliance series
/// with its signals, the NHS paired outcome and the item answers. Built only from that client's own answers (the caller
/// passes what the query filters returned for them), and only through <c>Rapport.Clinical</c>: no score, band or signal
/// is computed here.
/// </summary>
public sealed record EpisodeProgress(IReadOnlyList<OutcomeSeries> Outcomes, AllianceSeries? Alliance, EpisodeOutcome? Outcome, IReadOnlyList<ItemTable> Items)
{
    /// <summary>The outcome instruments charted, in this order.</summary>
    public static readonly IReadOnlyList<string> OutcomeInstruments = [InstrumentCatalog.Phq9Id, InstrumentCatalog.Gad7Id];

    public const string AllianceInstrument = InstrumentCatalog.SessionCheckId;

    public bool IsEmpty => Outcomes.Count == 0 && Alliance is null;

    /// <param name="responses">The client's own answers in this episode.</param>
    /// <param name="sessions">The episode's sessions.</param>
    /// <param name="models">The practice's expected-response models (<see cref="ExpectedModels.LoadAsync"/>); the documented default when null.</param>
    public static EpisodeProgress Build(IReadOnlyList<ProgressResponse> responses, IReadOnlyList<ProgressSession> sessions, ExpectedModels? models = null)
    {
        ArgumentNullException.ThrowIfNull(responses);
        ArgumentNullException.ThrowIfNull(sessions);
        models ??= ExpectedModels.Defaults;
        var numbers = sessions.ToDictionary(s => s.Id, s => s.Number);
        int? Number(ProgressResponse r) => r.SessionId is { } id && numbers.TryGetValue(id, out var n) ? n : null;
        var ordered = responses.OrderBy(r => r.SubmittedAt).ToList();

        var outcomes = new List<OutcomeSeries>();
        foreach (var id in OutcomeInstruments)
        {
            var scored = ordered.Where(r => r.InstrumentId == id && r.Total is not null).ToList();
            if (scored.Count > 0)
            {
                outcomes.Add(BuildOutcome(InstrumentCatalog.Get(id), scored, Number, models));
            }
        }

        AllianceSeries? alliance = null;
        var checks = ordered.Where(r => r.InstrumentId == AllianceInstrument && r.Total is not null).ToList();
        if (checks.Count > 0)
        {
            alliance = BuildAlliance(InstrumentCatalog.Get(AllianceInstrument), checks, Number);
        }

        var phq9 = outcomes.FirstOrDefault(o => o.InstrumentId == InstrumentCatalog.Phq9Id);
        var gad7 = outcomes.FirstOrDefault(o => o.InstrumentId == InstrumentCatalog.Gad7Id);
        var attended = sessions.Count(s => s.Status == SessionStatus.Attended);
        EpisodeOutcome? paired = phq9 is null && gad7 is null ? null
            : new EpisodeOutcome(attended, NhsPairedOutcome.Classify(new EpisodeScores(attended, phq9?.First, phq9?.Latest, gad7?.First, gad7?.Latest)));

        var items = new List<ItemTable>();
        foreach (var id in OutcomeInstruments.Append(AllianceInstrument))
        {
            var answered = ordered.Where(r => r.InstrumentId == id).ToList();
            if (answered.Count > 0)
            {
                items.Add(BuildItems(InstrumentCatalog.Get(id), answered));
            }
        }

        return new EpisodeProgress(outcomes, alliance, paired, items);
    }

    private static OutcomeSeries BuildOutcome(Instrument instrument, List<ProgressResponse> scored, Func<ProgressResponse, int?> number, ExpectedModels models)
    {
        // The same model and the same session index (nth score, 1 = intake) as the dashboard's not-on-track line.
        var model = models.For(instrument);
        var intake = scored[0].Total!.Value;
        var points = scored.Select((r, i) =>
        {
            var band = model.Band(intake, i + 1);
            return new OutcomePoint(i + 1, r.SubmittedAt, number(r), r.Total!.Value, band.Lower, band.Expected, band.Upper,
                i > 0 && model.IsOffTrack(intake, i + 1, r.Total.Value));
        }).ToList();

        var criterion = instrument.Scoring.ReliableChange;
        var rc = criterion?.Threshold ?? 0;
        var category = ChangeCategory.NotYetKnown;
        int? changeBy = null;
        if (points.Count >= 2 && criterion is not null)
        {
            var first = points[0].Score;
            var last = points[^1].Score;
            changeBy = last - first;
            // Jacobson–Truax when the instrument carries its norms; otherwise the published reliable-change value.
            var reliable = criterion.NormativeSd is { } sd && criterion.Reliability is { } r
                ? Math.Abs(ReliableChangeIndex.Compute(first, last, sd, r)) >= ReliableChangeIndex.Criterion
                : Math.Abs(last - first) >= criterion.Threshold;
            var better = instrument.Scoring.Direction == ScoreDirection.HigherIsBetter ? last > first : last < first;
            category = !reliable ? ChangeCategory.NoReliableChange : better ? ChangeCategory.ReliableImprovement : ChangeCategory.ReliableDeterioration;
        }

        return new OutcomeSeries(instrument.Id, instrument.ShortName, instrument.Scoring.TotalMin, instrument.Scoring.TotalMax,
            instrument.Scoring.Caseness?.Threshold, rc, points, category, changeBy, models.Describe(instrument));
    }

    private static AllianceSeries BuildAlliance(Instrument instrument, List<ProgressResponse> checks, Func<ProgressResponse, int?> number)
    {
        var points = checks.Select((r, i) => new AllianceScore(i + 1, r.SubmittedAt, number(r), r.Total!.Value)).ToList();
        // Session index = nth Session Check, as on the dashboard, so the markers match what the therapist was told there.
        var series = points.Select(p => new AlliancePoint(p.Measurement, p.Score)).ToArray();
        var markers = new List<AllianceMarker>();
        foreach (var signal in AllianceSignals.Detect(instrument, series))
        {
            AllianceMarkerKind? kind = signal.Kind switch
            {
                AllianceSignalKind.LowAlliance => AllianceMarkerKind.LowAlliance,
                AllianceSignalKind.AllianceDrop => AllianceMarkerKind.Rupture,
                AllianceSignalKind.RuptureRepair => AllianceMarkerKind.Repair,
                AllianceSignalKind.UnrepairedRupture => AllianceMarkerKind.Unrepaired,
                _ => null,
            };
            if (kind is { } k)
            {
                markers.Add(new AllianceMarker(k, signal.Session, Describe(signal)));
            }
        }

        var concern = AllianceConcern.Now(instrument, series);
        return new AllianceSeries(instrument.Id, instrument.ShortName, instrument.Scoring.TotalMin, instrument.Scoring.TotalMax,
            instrument.Scoring.LowAlliance?.Below, points, markers, concern is null ? null : AllianceConcern.Text(concern));
    }

    private static string Describe(AllianceSignal s) => s.Kind switch
    {
        AllianceSignalKind.LowAlliance when s.Trigger == "instrument_threshold" => F($"Low alliance: {s.Score} is below {s.Threshold}"),
        AllianceSignalKind.LowAlliance => F($"Lowest this client has given: {s.Score} (earlier mean {Math.Round(s.Baseline ?? 0, 1)})"),
        AllianceSignalKind.AllianceDrop => F($"Drop (possible rupture): {s.Score}, {Math.Round((s.Baseline ?? 0) - s.Score, 1)} below the earlier mean {Math.Round(s.Baseline ?? 0, 1)} ({(s.Trigger == "2sd" ? "more than 2 SD" : "more than 1 SD")} and the reliable change)"),
        AllianceSignalKind.RuptureRepair => F($"Repair: back to {s.Score}, near the level before the drop at check-in {s.RelatedSession}"),
        AllianceSignalKind.UnrepairedRupture => F($"Not repaired: {s.Score}, still below the level before the drop at check-in {s.RelatedSession}"),
        _ => s.Detail,
    };

    private static ItemTable BuildItems(Instrument instrument, List<ProgressResponse> answered)
    {
        var answers = answered.Select(r => JsonSerializer.Deserialize<Dictionary<string, int?>>(r.AnswersJson) ?? []).ToList();
        var rows = instrument.Items.Select(item =>
        {
            var risk = instrument.Scoring.RiskRules.FirstOrDefault(rule => rule.LinkId == item.LinkId);
            return new ItemRow(item.LinkId, item.Text ?? $"Item {item.LinkId}", risk is not null, risk?.TriggerAtOrAbove,
                [.. answers.Select(a => a.GetValueOrDefault(item.LinkId))]);
        }).ToList();
        var scale = instrument.Items.Count > 0 ? instrument.Items[0].Options : [];
        return new ItemTable(instrument.Id, instrument.ShortName, [.. answered.Select(r => r.SubmittedAt)], [.. answered.Select(r => r.Total)], rows, scale);
    }

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
