using Rapport.Access;
using Rapport.Clinical.Matching;

namespace Rapport.Matching;

/// <summary>What a therapist sends for their profile (the page's form and any API alike).</summary>
public sealed class ProfileForm
{
    public string? Bio { get; set; }
    public List<string> Concerns { get; set; } = [];
    public string? OtherConcerns { get; set; }
    public string? Approaches { get; set; }
    public List<string> Formats { get; set; } = [];
    public List<string> Modes { get; set; } = [];

    /// <summary>Languages, comma separated ("English, Polish").</summary>
    public string? Languages { get; set; }
    public List<string> Times { get; set; } = [];
    public int? Fee { get; set; }
    public bool ReducedFee { get; set; }
    public bool AcceptingNewClients { get; set; }

    /// <summary>Position on each C-NIP scale (by scale id), −3..+3.</summary>
    public Dictionary<string, int?> Style { get; set; } = [];
    public bool ShowOutcomes { get; set; }

    public const int MaxBio = 2000;
    public const int MaxShortText = 500;
    public const int MaxLanguages = 8;
    public const int MaxFee = 10000;

    /// <summary>The form as content, or the field errors; nothing is stored when there is any.</summary>
    public Outcome<ProfileContent> Validate()
    {
        var errors = new Dictionary<string, string>();
        var bio = (Bio ?? "").Trim();
        if (bio.Length == 0)
        {
            errors["Bio"] = "Write a few sentences about yourself and how you work.";
        }
        else if (bio.Length > MaxBio)
        {
            errors["Bio"] = $"Keep the bio to {MaxBio} characters.";
        }

        if (Concerns.Count == 0)
        {
            errors["Concerns"] = "Choose at least one concern you work with.";
        }
        else if (Concerns.Any(c => Clinical.Matching.Concerns.Find(c) is null))
        {
            errors["Concerns"] = "Choose concerns from the list.";
        }

        if ((OtherConcerns?.Length ?? 0) > MaxShortText)
        {
            errors["OtherConcerns"] = $"Keep this to {MaxShortText} characters.";
        }

        if ((Approaches?.Length ?? 0) > MaxShortText)
        {
            errors["Approaches"] = $"Keep this to {MaxShortText} characters.";
        }

        Check(errors, "Formats", Formats, ProfileOptions.Formats, "Choose at least one format you offer.");
        Check(errors, "Modes", Modes, ProfileOptions.Modes, "Say whether you see clients in person, by video, or both.");
        Check(errors, "Times", Times, ProfileOptions.Times, "Choose at least one time you are available.");

        var languages = (Languages ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (languages.Count == 0)
        {
            errors["Languages"] = "Name at least one language you work in.";
        }
        else if (languages.Count > MaxLanguages || languages.Any(l => l.Length > 40))
        {
            errors["Languages"] = $"Name at most {MaxLanguages} languages, separated by commas.";
        }

        if (Fee is not { } fee || fee < 0 || fee > MaxFee)
        {
            errors["Fee"] = $"Give your fee per session as a whole number from 0 to {MaxFee}.";
        }

        var style = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var scale in StyleFit.Scales)
        {
            if (Style.TryGetValue(scale.ScaleId, out var v) && v is >= -3 and <= 3)
            {
                style[scale.ScaleId] = v.Value;
            }
            else
            {
                errors["Style"] = "Place yourself on each of the four scales (from −3 to +3; 0 for either way).";
            }
        }

        if (Style.Keys.Any(k => StyleFit.Scales.All(s => s.ScaleId != k)))
        {
            errors["Style"] = "Unknown style scale.";
        }

        if (errors.Count > 0)
        {
            return Outcome<ProfileContent>.Invalid(errors);
        }

        return Outcome<ProfileContent>.Ok(new ProfileContent
        {
            Bio = bio,
            Concerns = [.. Concerns.Distinct(StringComparer.Ordinal)],
            OtherConcerns = (OtherConcerns ?? "").Trim(),
            Approaches = (Approaches ?? "").Trim(),
            Formats = [.. Formats.Distinct(StringComparer.Ordinal)],
            Modes = [.. Modes.Distinct(StringComparer.Ordinal)],
            Languages = languages,
            Times = [.. Times.Distinct(StringComparer.Ordinal)],
            Fee = Fee!.Value,
            ReducedFee = ReducedFee,
            AcceptingNewClients = AcceptingNewClients,
            Style = style,
            ShowOutcomes = ShowOutcomes,
        });
    }

    public static ProfileForm From(ProfileContent content)
    {
        ArgumentNullException.ThrowIfNull(content);
        return new()
        {
            Bio = content.Bio,
            Concerns = [.. content.Concerns],
            OtherConcerns = content.OtherConcerns,
            Approaches = content.Approaches,
            Formats = [.. content.Formats],
            Modes = [.. content.Modes],
            Languages = string.Join(", ", content.Languages),
            Times = [.. content.Times],
            Fee = content.Fee,
            ReducedFee = content.ReducedFee,
            AcceptingNewClients = content.AcceptingNewClients,
            Style = content.Style.ToDictionary(kv => kv.Key, kv => (int?)kv.Value),
            ShowOutcomes = content.ShowOutcomes,
        };
    }

    private static void Check(Dictionary<string, string> errors, string field, List<string> values, IReadOnlyList<(string Id, string Label)> options, string none)
    {
        if (values.Count == 0)
        {
            errors[field] = none;
        }
        else if (values.Any(v => options.All(o => o.Id != v)))
        {
            errors[field] = "Choose from the list.";
        }
    }
}
