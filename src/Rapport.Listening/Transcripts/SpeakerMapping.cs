namespace Rapport.Listening.Transcripts;

/// <summary>
/// Decides each speaker's role. With a therapist name, that speaker is the therapist and everyone else a client
/// (groups and couples have several clients). Without one, speakers called "Therapist", "Counsellor" or "Counselor"
/// are the therapist and "Client", "Client 1", "Patient" … are clients; any other name is an error the user fixes by
/// naming the therapist.
/// </summary>
public sealed class SpeakerMapping
{
    private static readonly string[] TherapistWords = ["therapist", "counsellor", "counselor", "clinician", "interviewer"];
    private static readonly string[] ClientWords = ["client", "patient", "interviewee"];

    private readonly string? _therapist;
    private readonly HashSet<string> _clients;

    public SpeakerMapping(string? therapistName = null, IEnumerable<string>? clientNames = null)
    {
        _therapist = string.IsNullOrWhiteSpace(therapistName) ? null : therapistName.Trim();
        _clients = new HashSet<string>(clientNames?.Select(c => c.Trim()) ?? [], StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Role names only: Therapist and Client (any case).</summary>
    public static SpeakerMapping ByRoleNames { get; } = new();

    public string? TherapistName => _therapist;

    /// <summary>The role for <paramref name="speaker"/>, or null when the mapping cannot tell.</summary>
    public SpeakerRole? RoleOf(string speaker)
    {
        ArgumentNullException.ThrowIfNull(speaker);
        var name = speaker.Trim();
        if (_therapist is not null)
        {
            return string.Equals(name, _therapist, StringComparison.OrdinalIgnoreCase) ? SpeakerRole.Therapist : SpeakerRole.Client;
        }

        if (_clients.Contains(name))
        {
            return SpeakerRole.Client;
        }

        var word = LeadingWord(name);
        if (TherapistWords.Contains(word))
        {
            return SpeakerRole.Therapist;
        }

        return ClientWords.Contains(word) ? SpeakerRole.Client : null;
    }

    // "Client 2", "client_a", "Therapist (Dr Lee)" keep their role word first.
    private static string LeadingWord(string name)
    {
        var end = 0;
        while (end < name.Length && char.IsLetter(name[end]))
        {
            end++;
        }

        return name[..end].ToLowerInvariant();
    }
}
