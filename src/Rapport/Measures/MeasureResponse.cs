using Rapport.Episodes;

namespace Rapport.Measures;

/// <summary>
/// One member's answers to one instrument at one point in an episode. Clinical data: only the member
/// who gave it and the episode's care team (and their supervisors) may read it.
/// </summary>
public sealed class MeasureResponse
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid PracticeId { get; init; }
    public Guid EpisodeId { get; init; }
    public Guid ClientId { get; init; }
    public Guid? SessionId { get; init; }
    public required string InstrumentId { get; init; }
    public DateTime SubmittedAt { get; init; }

    /// <summary>Item answers as linkId → weight, in the instrument's item order; JSON.</summary>
    public required string AnswersJson { get; init; }
    public int? Total { get; init; }
    public CareEpisode? Episode { get; init; }
}
