using Rapport.Clinical.Instruments;

namespace Rapport.Clinical.Matching;

/// <summary>One concern a prospective client may pick and a therapist may say they work with.</summary>
/// <param name="Id">Stable id, used in forms and the API.</param>
/// <param name="Label">In the words a prospective client would use.</param>
/// <param name="InstrumentId">
/// The bundled instrument that measures it, when there is one: then "clients with a similar concern" are this
/// practice's clients who started at caseness on that instrument (docs/clinical/matching.md). <c>null</c> when no bundled
/// instrument measures it, so no outcome figure is ever given for it.
/// </param>
public sealed record Concern(string Id, string Label, string? InstrumentId);

/// <summary>
/// The fixed list of concerns of the matching intake and the therapist profile. Only low mood and worry map to an
/// instrument: the PHQ-9 measures depression and the GAD-7 generalised anxiety (Kroenke et al. 2001; Spitzer et al. 2006);
/// neither is a measure of panic, grief, trauma or relationships, so those carry no outcome figure.
/// </summary>
public static class Concerns
{
    /// <summary>Every concern, in the order the intake shows them.</summary>
    public static IReadOnlyList<Concern> All { get; } =
    [
        new("low-mood", "Low mood or depression", InstrumentCatalog.Phq9Id),
        new("anxiety", "Worry or anxiety", InstrumentCatalog.Gad7Id),
        new("panic", "Panic attacks", null),
        new("stress", "Stress, work or study pressure", null),
        new("grief", "Grief and loss", null),
        new("relationships", "Relationship difficulties", null),
        new("trauma", "Trauma or frightening experiences", null),
        new("self-esteem", "Self-esteem and confidence", null),
        new("anger", "Anger", null),
        new("sleep", "Sleep problems", null),
        new("life-changes", "Life changes (moving, separation, new parent)", null),
        new("family", "Family difficulties", null),
    ];

    /// <summary>The concern with this id, or <c>null</c>.</summary>
    public static Concern? Find(string? id) => All.FirstOrDefault(c => string.Equals(c.Id, id, StringComparison.Ordinal));
}
