using System.Globalization;
using Rapport.Progress;

namespace Rapport.Web.Components.Charts;

/// <summary>
/// The words under the charts, in one place: exact for the therapist, plain for the client (who may be distressed and
/// reading on a phone). Categories and numbers come from <see cref="EpisodeProgress"/>; this only says them.
/// </summary>
public static class ProgressWords
{
    public static string Category(ChangeCategory category) => category switch
    {
        ChangeCategory.ReliableImprovement => "Reliable improvement",
        ChangeCategory.ReliableDeterioration => "Reliable deterioration",
        ChangeCategory.NoReliableChange => "No reliable change",
        _ => "Not yet known",
    };

    public static string ChangeForTherapist(OutcomeSeries s)
    {
        if (s.Change == ChangeCategory.NotYetKnown || s.ChangeBy is not { } by)
        {
            return $"{s.Name}: one score so far ({s.Latest}); change is judged from the second score on.";
        }

        var moved = by < 0 ? $"fell {-by} points" : by > 0 ? $"rose {by} points" : "did not move";
        return F($"{Category(s.Change)}: {s.Name} {moved}, from {s.First} to {s.Latest} (reliable change is {ChartGeometry.N(s.ReliableChange)} or more).");
    }

    public static string BandForTherapist(OutcomeSeries s)
    {
        var p = s.Points[^1];
        if (p.Measurement == 1)
        {
            return $"Intake {p.Score}: the expected band starts here.";
        }

        var where = p.AboveBand ? "above the expected band: not on track" : p.Score < p.ExpectedLower ? "below the expected band: better than expected" : "within the expected band";
        return F($"Latest {p.Score} at check-in {p.Measurement} is {where} ({Range(p)}).");
    }

    public static string ChangeForClient(OutcomeSeries s)
    {
        if (s.Change == ChangeCategory.NotYetKnown || s.ChangeBy is not { } by)
        {
            return $"You have one {s.Name} score so far ({s.Latest}). From your second one on, this page shows how it has changed.";
        }

        var rc = ChartGeometry.N(s.ReliableChange);
        return s.Change switch
        {
            ChangeCategory.ReliableImprovement => F($"Your score has come down by {-by} points since you started (from {s.First} to {s.Latest}). A change of {rc} points or more is bigger than the ups and downs that happen by chance, so this is called reliable improvement."),
            ChangeCategory.ReliableDeterioration => F($"Your score has gone up by {by} points since you started (from {s.First} to {s.Latest}). That is more than everyday ups and downs, which is called reliable deterioration. It is not a failure: it is worth talking about with your therapist, so the two of you can adjust what you do."),
            _ => F($"Your score has moved by {Math.Abs(by)} point{(Math.Abs(by) == 1 ? "" : "s")} since you started (from {s.First} to {s.Latest}). That is within the ups and downs that happen from week to week, which is called no reliable change yet. Many people need more time; it is worth talking about with your therapist."),
        };
    }

    public static string BandForClient(OutcomeSeries s)
    {
        var p = s.Points[^1];
        if (p.Measurement == 1)
        {
            return "After your next answers, a shaded area will show the range people who started where you did usually score in.";
        }

        var where = p.AboveBand ? "above that range. That happens, and it is useful for your therapist to know"
            : p.Score < p.ExpectedLower ? "below that range, which on this questionnaire is better than usual"
            : "within that range";
        return F($"People who started where you did usually score between {Math.Round(p.ExpectedLower)} and {Math.Round(p.ExpectedUpper)} by now (the shaded area). Your latest score, {p.Score}, is {where}.");
    }

    public static string Range(OutcomePoint p) => F($"{Math.Round(p.ExpectedLower)}–{Math.Round(p.ExpectedUpper)}");

    public static string Marker(AllianceMarkerKind kind, bool forClient) => (kind, forClient) switch
    {
        (AllianceMarkerKind.Rupture, false) => "Drop (possible rupture)",
        (AllianceMarkerKind.Repair, false) => "Repair",
        (AllianceMarkerKind.Unrepaired, false) => "Not repaired",
        (AllianceMarkerKind.LowAlliance, false) => "Low alliance",
        (AllianceMarkerKind.Rupture, true) => "A dip",
        (AllianceMarkerKind.Repair, true) => "Back up after a dip",
        (AllianceMarkerKind.Unrepaired, true) => "Still lower after a dip",
        _ => "Lower than usual",
    };

    public static MarkerShape Shape(AllianceMarkerKind kind) => kind switch
    {
        AllianceMarkerKind.Rupture => MarkerShape.TriangleDown,
        AllianceMarkerKind.Repair => MarkerShape.TriangleUp,
        AllianceMarkerKind.Unrepaired => MarkerShape.Cross,
        _ => MarkerShape.Square,
    };

    public static string Symbol(AllianceMarkerKind kind) => kind switch
    {
        AllianceMarkerKind.Rupture => "▼",
        AllianceMarkerKind.Repair => "▲",
        AllianceMarkerKind.Unrepaired => "✕",
        _ => "■",
    };

    /// <summary>The NHS Talking Therapies paired outcome of the episode (PHQ-9 with GAD-7), for the therapist.</summary>
    public static string EpisodeForTherapist(EpisodeOutcome e)
    {
        var o = e.Outcome;
        if (!o.FinishedTreatment)
        {
            return $"NHS Talking Therapies paired outcome: not judged yet ({Plural.Of(e.AttendedSessions, "attended session")}; it needs 2).";
        }

        var verdict = o.MixedReliableChange ? "mixed reliable change (one measure reliably better, the other reliably worse)"
            : o.ReliableRecovery ? "reliable recovery (recovered and reliably improved)"
            : o.Recovery ? "recovery, without reliable improvement"
            : o.ReliableImprovement ? "reliable improvement"
            : o.ReliableDeterioration ? "reliable deterioration"
            : "no reliable change";
        var caseness = o.CasenessAtStart ? "" : " Not at caseness at the first scores, so recovery does not apply.";
        return $"NHS Talking Therapies paired outcome (first and latest PHQ-9 and GAD-7, {e.AttendedSessions} attended sessions): {verdict}.{caseness}";
    }

    /// <summary>The same judgement in plain words for the client.</summary>
    public static string? EpisodeForClient(EpisodeOutcome e)
    {
        var o = e.Outcome;
        if (!o.FinishedTreatment || !o.CasenessAtStart)
        {
            return null;
        }

        return o.Recovery
            ? "Taking both questionnaires together, your scores have moved from the range where services usually offer help to the range most people score in. Services call this recovery."
            : "Taking both questionnaires together, your scores are still in the range where services usually offer help. That is common part-way through therapy, and something to talk about with your therapist.";
    }

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
