using Rapport.Privacy;

namespace Rapport.Rights;

public enum RightsRequestKind
{
    Erasure,
    Restriction,
}

public enum RightsDecision
{
    /// <summary>Processing restricted (Art. 18); the record is kept.</summary>
    Restricted,

    /// <summary>Erasure refused for now: the practice must keep the record until <see cref="RightsRequest.RetainUntil"/>; processing is restricted meanwhile.</summary>
    KeptUnderRetention,

    /// <summary>The retention period had passed: the record was erased.</summary>
    Erased,
}

/// <summary>A client's request to erase or restrict their record, with the decision and the rule it rests on.</summary>
public sealed class RightsRequest
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid PracticeId { get; init; }
    public Guid ClientId { get; init; }
    public RightsRequestKind Kind { get; init; }

    /// <summary>The client's own words, if they gave a reason.</summary>
    [Encrypted]
    public string? Reason { get; set; }
    public DateTime RequestedAt { get; init; }
    public RightsDecision Decision { get; init; }
    public required string DecisionExplanation { get; init; }
    public DateOnly? RetainUntil { get; init; }
    public DateTime DecidedAt { get; init; }
}
