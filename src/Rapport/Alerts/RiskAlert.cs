using Rapport.Clinical.Instruments;
using Rapport.Clinical.Scoring;
using Rapport.Measures;

namespace Rapport.Alerts;

/// <summary>
/// A risk answer (PHQ-9 item 9 ≥ 1, as the clinical core's score alerts say) for the care team to act on. It stays at
/// the top of the therapist's dashboard until someone on the care team acknowledges it; who and when is recorded.
/// </summary>
public sealed class RiskAlert : Jobs.ILeasedJob
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid PracticeId { get; init; }
    public Guid EpisodeId { get; init; }
    public Guid ClientId { get; init; }
    public Guid MeasureResponseId { get; init; }
    public required string InstrumentId { get; init; }

    /// <summary>The item linkId, e.g. "9".</summary>
    public required string Item { get; init; }
    public int Value { get; init; }

    /// <summary>The answer as the client saw it ("Several days"), so the dashboard can quote it.</summary>
    public required string AnswerLabel { get; init; }
    public DateTime RaisedAt { get; init; }
    public DateTime? AcknowledgedAt { get; set; }
    public Guid? AcknowledgedByStaffId { get; set; }
    public string? AcknowledgedByName { get; set; }

    /// <summary>When escalation mail went out for it (unacknowledged too long), so it goes once.</summary>
    public DateTime? EscalatedAt { get; set; }

    /// <summary>The instance escalating it right now (<see cref="Jobs.JobLease"/>), so two instances never both mail it.</summary>
    public string? LeaseOwner { get; set; }
    public DateTime? LeaseExpiresAt { get; set; }
    public Guid Version { get; set; } = Guid.NewGuid();
    public Episodes.CareEpisode? Episode { get; init; }

    /// <summary>The alert a risk answer in <paramref name="response"/> raises: one way, for real check-ins and demo data alike.</summary>
    public static RiskAlert From(MeasureResponse response, Instrument instrument, ScoreAlert risk, DateTime raisedAt)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(instrument);
        ArgumentNullException.ThrowIfNull(risk);
        var index = instrument.IndexOf(risk.Item);
        var label = index < 0 ? null : instrument.Items[index].Options.FirstOrDefault(o => o.Weight == risk.Value)?.Label;
        return new RiskAlert
        {
            PracticeId = response.PracticeId,
            EpisodeId = response.EpisodeId,
            ClientId = response.ClientId,
            MeasureResponseId = response.Id,
            InstrumentId = response.InstrumentId,
            Item = risk.Item,
            Value = risk.Value ?? 0,
            AnswerLabel = label ?? $"{risk.Value}",
            RaisedAt = raisedAt,
        };
    }
}
