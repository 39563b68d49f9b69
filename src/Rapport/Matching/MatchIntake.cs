using Rapport.Access;
using Rapport.Clinical.Matching;
using Rapport.Clinical.Preferences;

namespace Rapport.Matching;

/// <summary>
/// A prospective client's short intake, without an account. Nothing of it is stored unless they ask to be contacted
/// (<see cref="AskToBeContacted"/>); the concerns in their own words are not used for ranking, only kept for the
/// practice when they ask.
/// </summary>
public sealed class MatchIntake
{
    public string? ConcernsInTheirWords { get; set; }

    /// <summary>Ids from <see cref="Clinical.Matching.Concerns.All"/>.</summary>
    public List<string> Concerns { get; set; } = [];

    /// <summary>Per C-NIP scale id: "first" (the pole named first), "second", or "none".</summary>
    public Dictionary<string, string> Style { get; set; } = [];

    /// <summary>individual, couple or group; empty for no preference.</summary>
    public string? Format { get; set; }

    /// <summary>in-person or video; empty for either.</summary>
    public string? Mode { get; set; }
    public string? Language { get; set; }
    public List<string> Times { get; set; } = [];

    /// <summary>The most they can pay per session; empty for no limit.</summary>
    public int? MaxFee { get; set; }
    public bool NeedsReducedFee { get; set; }

    public const int MaxWords = 1000;

    /// <summary>The intake as the ranking reads it, or the field errors.</summary>
    public Outcome<MatchRequest> Validate()
    {
        var errors = new Dictionary<string, string>();
        if ((ConcernsInTheirWords?.Length ?? 0) > MaxWords)
        {
            errors["ConcernsInTheirWords"] = $"Keep this to {MaxWords} characters.";
        }

        if (Concerns.Any(c => Clinical.Matching.Concerns.Find(c) is null))
        {
            errors["Concerns"] = "Choose concerns from the list.";
        }

        var style = new Dictionary<string, PreferenceLean>(StringComparer.Ordinal);
        foreach (var (scale, lean) in Style)
        {
            if (StyleFit.Scales.All(s => s.ScaleId != scale))
            {
                errors["Style"] = "Unknown preference scale.";
                continue;
            }

            switch (lean)
            {
                case "first": style[scale] = PreferenceLean.FirstPole; break;
                case "second": style[scale] = PreferenceLean.SecondPole; break;
                case "none" or "" or null: break;
                default: errors["Style"] = "Each preference is \"first\", \"second\" or \"none\"."; break;
            }
        }

        var format = Empty(Format);
        if (format is not null && ProfileOptions.Formats.All(f => f.Id != format))
        {
            errors["Format"] = "Choose individual, couple or group therapy (or no preference).";
        }

        var mode = Empty(Mode);
        if (mode is not null && ProfileOptions.Modes.All(m => m.Id != mode))
        {
            errors["Mode"] = "Choose in person or video (or either).";
        }

        var language = Empty(Language);
        if (language?.Length > 40)
        {
            errors["Language"] = "Name one language, in at most 40 characters.";
        }

        if (Times.Any(t => ProfileOptions.Times.All(o => o.Id != t)))
        {
            errors["Times"] = "Choose times from the list.";
        }

        if (MaxFee is < 0 or > ProfileForm.MaxFee)
        {
            errors["MaxFee"] = $"Give the most you can pay as a whole number from 0 to {ProfileForm.MaxFee}, or leave it empty.";
        }

        return errors.Count > 0
            ? Outcome<MatchRequest>.Invalid(errors)
            : Outcome<MatchRequest>.Ok(new MatchRequest(
                [.. Concerns.Distinct(StringComparer.Ordinal)], style, format, mode, language, [.. Times.Distinct(StringComparer.Ordinal)], MaxFee, NeedsReducedFee));
    }

    private static string? Empty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

/// <summary>A validated intake.</summary>
public sealed record MatchRequest(
    IReadOnlyList<string> Concerns,
    IReadOnlyDictionary<string, PreferenceLean> Style,
    string? Format,
    string? Mode,
    string? Language,
    IReadOnlyList<string> Times,
    int? MaxFee,
    bool NeedsReducedFee);
