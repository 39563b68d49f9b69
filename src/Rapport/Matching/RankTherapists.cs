using System.Globalization;
using Rapport.Clinical.Matching;
using Rapport.Clinical.Preferences;

namespace Rapport.Matching;

/// <summary>
/// Ranks approved, accepting therapists for one intake and explains each place in plain words. The score counts only
/// what the person asked for and what the therapist says about themself: concerns they work with, style on each C-NIP
/// scale, format, mode, language, times and fee. Outcome figures never enter the score, so a therapist new to the
/// practice (no finished courses) is never pushed down for it; equal scores are ordered by a daily rotation (a hash of
/// the profile id and the day), not by seniority, name or results (docs/clinical/matching.md, "Fair exposure").
/// </summary>
public static class RankTherapists
{
    public const int ConcernPoints = 3, StyleFitPoints = 2, StyleEitherWayPoints = 1, FormatPoints = 2, ModePoints = 1, LanguagePoints = 2, TimePoints = 1, FeePoints = 1;

    public sealed record Candidate(Guid ProfileId, string Name, ProfileContent Profile)
    {
        /// <summary>Used to find the therapist's own courses; never shown.</summary>
        internal Guid StaffMemberId { get; init; }
    }

    public sealed record Ranked(Candidate Candidate, int Points, IReadOnlyList<string> Fits, IReadOnlyList<string> DoesNotFit);

    public static IReadOnlyList<Ranked> Rank(MatchRequest request, IEnumerable<Candidate> candidates, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(candidates);
        return [.. candidates
            .Select(c => Explain(request, c))
            .OrderByDescending(r => r.Points)
            .ThenBy(r => Rotation(r.Candidate.ProfileId, today))];
    }

    /// <summary>A stable order that changes every day and says nothing about the therapist.</summary>
    public static ulong Rotation(Guid profileId, DateOnly day)
    {
        // FNV-1a over the id's bytes and the day number: cheap, stable across processes (unlike string.GetHashCode).
        var hash = 14695981039346656037UL;
        foreach (var b in profileId.ToByteArray().Concat(BitConverter.GetBytes(day.DayNumber)))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return hash;
    }

    public static Ranked Explain(MatchRequest request, Candidate candidate)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(candidate);
        var p = candidate.Profile;
        var fits = new List<string>();
        var misses = new List<string>();
        var points = 0;

        var matched = request.Concerns.Where(p.Concerns.Contains).ToList();
        var unmatched = request.Concerns.Where(c => !p.Concerns.Contains(c)).ToList();
        points += ConcernPoints * matched.Count;
        if (matched.Count > 0)
        {
            fits.Add($"Works with {Words(matched)}.");
        }

        if (unmatched.Count > 0)
        {
            misses.Add($"Does not list {Words(unmatched)}.");
        }

        foreach (var scale in StyleFit.Scales)
        {
            if (!request.Style.TryGetValue(scale.ScaleId, out var lean))
            {
                continue;
            }

            var wanted = (lean == PreferenceLean.FirstPole ? scale.FirstPole : scale.SecondPole).ToLowerInvariant();
            var other = (lean == PreferenceLean.FirstPole ? scale.SecondPole : scale.FirstPole).ToLowerInvariant();
            switch (StyleFit.Match(lean, p.Style.GetValueOrDefault(scale.ScaleId)))
            {
                case StyleMatch.Fits:
                    points += StyleFitPoints;
                    fits.Add($"You prefer {wanted}; they describe their way of working that way too.");
                    break;
                case StyleMatch.EitherWay:
                    points += StyleEitherWayPoints;
                    fits.Add($"You prefer {wanted}; they say they work either way, between {wanted} and {other}.");
                    break;
                case StyleMatch.DoesNotFit:
                    misses.Add($"You prefer {wanted}; they describe their way of working as leaning towards {other}.");
                    break;
            }
        }

        if (request.Format is { } format)
        {
            var label = ProfileOptions.Label(ProfileOptions.Formats, format).ToLowerInvariant();
            if (p.Formats.Contains(format))
            {
                points += FormatPoints;
                fits.Add($"Offers {label} therapy.");
            }
            else
            {
                misses.Add($"Does not offer {label} therapy.");
            }
        }

        if (request.Mode is { } mode)
        {
            var label = ProfileOptions.Label(ProfileOptions.Modes, mode).ToLowerInvariant();
            if (p.Modes.Contains(mode))
            {
                points += ModePoints;
                fits.Add($"Sees clients {label}.");
            }
            else
            {
                misses.Add($"Does not see clients {label}.");
            }
        }

        if (request.Language is { } language)
        {
            if (p.Languages.Any(l => string.Equals(l, language, StringComparison.OrdinalIgnoreCase)))
            {
                points += LanguagePoints;
                fits.Add($"Works in {language}.");
            }
            else
            {
                misses.Add($"Does not list {language} (works in {string.Join(", ", p.Languages)}).");
            }
        }

        if (request.Times.Count > 0)
        {
            var both = request.Times.Where(p.Times.Contains).ToList();
            if (both.Count > 0)
            {
                points += TimePoints;
                fits.Add($"Available {Times(both)}.");
            }
            else
            {
                misses.Add($"Not available at the times you chose (available {Times(p.Times)}).");
            }
        }

        var fee = string.Create(CultureInfo.InvariantCulture, $"{p.Fee} a session");
        if (request.MaxFee is { } max)
        {
            if (p.Fee <= max)
            {
                points += FeePoints;
                fits.Add($"Fee {fee}, within what you said you can pay.");
            }
            else
            {
                misses.Add(p.ReducedFee
                    ? $"Fee {fee}, more than you said you can pay; they offer a reduced fee, so ask."
                    : $"Fee {fee}, more than you said you can pay.");
            }
        }

        if (request.NeedsReducedFee)
        {
            if (p.ReducedFee)
            {
                points += FeePoints;
                fits.Add("Offers a reduced fee.");
            }
            else
            {
                misses.Add("Does not offer a reduced fee.");
            }
        }

        return new Ranked(candidate, points, fits, misses);
    }

    private static string Words(IEnumerable<string> concernIds) =>
        Join([.. concernIds.Select(id => (Concerns.Find(id)?.Label ?? id).ToLowerInvariant())]);

    private static string Times(IEnumerable<string> ids) =>
        Join([.. ids.Select(id => ProfileOptions.Label(ProfileOptions.Times, id).ToLowerInvariant())]);

    private static string Join(IReadOnlyList<string> words) => words.Count switch
    {
        0 => "",
        1 => words[0],
        _ => string.Join(", ", words.Take(words.Count - 1)) + " and " + words[^1],
    };
}
