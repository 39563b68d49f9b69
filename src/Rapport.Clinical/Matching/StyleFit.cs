using Rapport.Clinical.Instruments;
using Rapport.Clinical.Preferences;

namespace Rapport.Clinical.Matching;

/// <summary>How a therapist's own style on one C-NIP scale meets a prospective client's stated preference.</summary>
public enum StyleMatch
{
    /// <summary>The client stated no preference on this scale: nothing to match.</summary>
    NoPreference,

    /// <summary>The therapist places themself on the side the client prefers.</summary>
    Fits,

    /// <summary>The therapist places themself in the middle: they say they work either way.</summary>
    EitherWay,

    /// <summary>The therapist places themself on the other side.</summary>
    DoesNotFit,
}

/// <summary>One C-NIP scale as the matching intake and the therapist profile use it.</summary>
/// <param name="ScaleId">The scale id of the C-NIP scoring definition.</param>
/// <param name="Name">The scale's published name ("Therapist Directiveness vs Client Directiveness").</param>
/// <param name="FirstPole">The pole named first ("Therapist Directiveness"), coded negative.</param>
/// <param name="SecondPole">The pole named second ("Client Directiveness"), coded positive.</param>
public sealed record StyleScale(string ScaleId, string Name, string FirstPole, string SecondPole);

/// <summary>
/// The preference part of matching, on the four C-NIP scales (Cooper &amp; Norcross 2016, Int J Clin Health Psychol
/// 16(1):87-98): the client says which pole they lean to (or neither), the therapist places their own way of working on
/// the scale's −3..+3 coding (−3 = the pole named first, as the shipped instrument codes answers). Where the therapist
/// leans is judged by <see cref="PreferenceProfile.Lean"/>, the same threshold as a client's profile, so the rule for
/// "leans" has one home.
/// </summary>
public static class StyleFit
{
    /// <summary>The four scales, in the instrument's order, with their poles from the published scale names.</summary>
    public static IReadOnlyList<StyleScale> Scales { get; } = [.. InstrumentCatalog.Get(InstrumentCatalog.CNipId).Scoring.Subscales.Select(s =>
    {
        var poles = s.Title.Split(" vs ", 2, StringSplitOptions.TrimEntries);
        return new StyleScale(s.Id, s.Title, poles[0], poles.Length > 1 ? poles[1] : poles[0]);
    })];

    /// <summary>How a therapist at <paramref name="therapistPosition"/> (−3..+3) meets a client who leans <paramref name="client"/>.</summary>
    public static StyleMatch Match(PreferenceLean client, int therapistPosition)
    {
        if (client is not (PreferenceLean.FirstPole or PreferenceLean.SecondPole))
        {
            return StyleMatch.NoPreference;
        }

        var therapist = PreferenceProfile.Lean(therapistPosition);
        return therapist == PreferenceLean.NoClearPreference ? StyleMatch.EitherWay
            : therapist == client ? StyleMatch.Fits
            : StyleMatch.DoesNotFit;
    }
}
