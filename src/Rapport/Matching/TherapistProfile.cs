using System.Text.Json;
using Rapport.Privacy;

namespace Rapport.Matching;

public enum ProfileStatus
{
    /// <summary>Sent by the therapist; the practice admin has not decided. An approved version, if any, stays public meanwhile.</summary>
    AwaitingApproval,

    /// <summary>The admin asked for changes (with a reason); the last approved version, if any, stays public.</summary>
    ChangesRequested,

    /// <summary>The draft is the public version.</summary>
    Approved,
}

/// <summary>
/// A therapist's public profile, written by the therapist and approved by the practice admin before anyone sees it.
/// Two versions: the draft the therapist last sent and the version the admin last approved. An edit to an approved
/// profile waits for approval again while the approved version stays public, so a practice is never left without the
/// profile, and nothing unapproved is ever shown. Both versions are free text a person wrote (the bio, the approaches),
/// so both are encrypted at rest like every other free text, public or not (docs/security.md).
/// </summary>
public sealed class TherapistProfile
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid PracticeId { get; init; }
    public Guid StaffMemberId { get; init; }

    /// <summary><see cref="ProfileContent"/> as JSON: what the therapist last sent.</summary>
    [Encrypted]
    public required string DraftJson { get; set; }

    /// <summary><see cref="ProfileContent"/> as JSON: the version the admin approved, the only one shown publicly; null until the first approval.</summary>
    [Encrypted]
    public string? PublishedJson { get; set; }

    /// <summary>When the public version was approved; null while nothing is public (the public read filters on this, not on the ciphertext).</summary>
    public DateTime? PublishedAt { get; set; }

    public ProfileStatus Status { get; set; }

    /// <summary>What the admin asked to change, for the therapist.</summary>
    [Encrypted]
    public string? ChangesReason { get; set; }

    public DateTime SubmittedAt { get; set; }
    public Guid Version { get; set; } = Guid.NewGuid();

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public ProfileContent Draft() => JsonSerializer.Deserialize<ProfileContent>(DraftJson, Json) ?? new ProfileContent();

    public ProfileContent? Published() => PublishedJson is null ? null : JsonSerializer.Deserialize<ProfileContent>(PublishedJson, Json);
}

/// <summary>What a profile says. Ids (concerns, formats, modes, times) are from the fixed lists in <see cref="ProfileOptions"/>.</summary>
public sealed record ProfileContent
{
    /// <summary>In the therapist's own words.</summary>
    public string Bio { get; init; } = "";
    public IReadOnlyList<string> Concerns { get; init; } = [];

    /// <summary>Concerns in the therapist's own words, beyond the list.</summary>
    public string OtherConcerns { get; init; } = "";
    public string Approaches { get; init; } = "";
    public IReadOnlyList<string> Formats { get; init; } = [];
    public IReadOnlyList<string> Modes { get; init; } = [];
    public IReadOnlyList<string> Languages { get; init; } = [];
    public IReadOnlyList<string> Times { get; init; } = [];

    /// <summary>Fee per session, in the practice's currency (whole units).</summary>
    public int Fee { get; init; }
    public bool ReducedFee { get; init; }
    public bool AcceptingNewClients { get; init; }

    /// <summary>Where the therapist places their own way of working on each C-NIP scale, −3..+3 (−3 = the pole named first).</summary>
    public IReadOnlyDictionary<string, int> Style { get; init; } = new Dictionary<string, int>();

    /// <summary>The therapist's explicit opt-in to show their outcomes with clients who had similar concerns.</summary>
    public bool ShowOutcomes { get; init; }
}

/// <summary>The fixed lists a profile and an intake choose from, with their words.</summary>
public static class ProfileOptions
{
    public static IReadOnlyList<(string Id, string Label)> Formats { get; } =
        [("individual", "Individual"), ("couple", "Couple"), ("group", "Group")];

    public static IReadOnlyList<(string Id, string Label)> Modes { get; } =
        [("in-person", "In person"), ("video", "Video")];

    public static IReadOnlyList<(string Id, string Label)> Times { get; } =
        [("weekday-mornings", "Weekday mornings"), ("weekday-afternoons", "Weekday afternoons"), ("weekday-evenings", "Weekday evenings"), ("weekends", "Weekends")];

    public static string Label(IReadOnlyList<(string Id, string Label)> options, string id) =>
        options.FirstOrDefault(o => o.Id == id).Label ?? id;
}

/// <summary>
/// A prospective client's request to be contacted, made from the matching results with their explicit consent: the only
/// way anything a visitor typed is kept. The practice admin and the chosen therapist see it. Name, contact and the
/// concerns in their own words are encrypted at rest.
/// </summary>
public sealed class MatchReferral
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid PracticeId { get; init; }

    /// <summary>The therapist they chose.</summary>
    public Guid StaffMemberId { get; init; }

    [Encrypted]
    public required string Name { get; init; }

    /// <summary>An e-mail address or a telephone number, as they gave it.</summary>
    [Encrypted]
    public required string Contact { get; init; }

    /// <summary>Their concerns in their own words (may be empty).</summary>
    [Encrypted]
    public required string ConcernsInTheirWords { get; init; }

    /// <summary>The concerns they ticked, as ids from <see cref="Clinical.Matching.Concerns"/>, comma separated.</summary>
    public required string ConcernIds { get; init; }

    /// <summary>The rest of the intake (preferences, format, mode, language, times, fee), as JSON.</summary>
    [Encrypted]
    public required string IntakeJson { get; init; }

    /// <summary>The consent wording they ticked and its version (GDPR Art. 7(1): the practice can show what they agreed to).</summary>
    public required string ConsentWording { get; init; }
    public int ConsentWordingVersion { get; init; }
    public DateTime ConsentedAt { get; init; }
    public DateTime CreatedAt { get; init; }
}
