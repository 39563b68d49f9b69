namespace Rapport.Consents;

public enum ConsentKind
{
    Measures,
    TranscriptAnalysis,
    ResearchExport,
    Testimonial,

    /// <summary>A prospective client asks the practice to contact them from the matching results (kept on the referral, not in the ledger: they have no record yet).</summary>
    Referral,
}

/// <summary>
/// One consent, given with the exact wording the client saw (GDPR Art. 7(1): the controller must be able to show
/// consent was given, and to what). Withdrawing sets <see cref="WithdrawnAt"/>; a new consent is a new row, so the
/// ledger keeps the whole history.
/// </summary>
public sealed class Consent
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid PracticeId { get; init; }
    public Guid ClientId { get; init; }
    public ConsentKind Kind { get; init; }
    public int WordingVersion { get; init; }
    public required string Wording { get; init; }
    public DateTime GivenAt { get; init; }
    public required string RecordedByUserId { get; init; }
    public DateTime? WithdrawnAt { get; set; }
    public Guid Version { get; set; } = Guid.NewGuid();

    public bool ActiveAt(DateTime when) => GivenAt <= when && (WithdrawnAt is null || WithdrawnAt > when);
}

/// <summary>The current wording of each consent. A change of wording gets a new version; consents to older ones stay valid until withdrawn.</summary>
public static class ConsentWording
{
    public static (int Version, string Text) Current(ConsentKind kind) => kind switch
    {
        ConsentKind.TranscriptAnalysis => (1,
            "I agree that my therapist may upload transcripts of our sessions to Rapport so that Rapport can analyse how my "
            + "therapist listens (their questions and reflections). The transcript is stored encrypted, only my care team and "
            + "their supervisor can read it, and my therapist can delete it at any time. I can withdraw this consent at any "
            + "time; it does not affect my care."),
        ConsentKind.Measures => (1,
            "I agree to answer short questionnaires about how I am doing and how therapy is going, and that my care team sees my answers."),
        ConsentKind.ResearchExport => (1,
            "I agree that my answers, without my name or contact details, may be included in research exports made by my practice."),
        ConsentKind.Testimonial => (1,
            "I agree that the words I wrote may be shown, without my name, as a testimonial for my former therapist."),
        ConsentKind.Referral => (1,
            "I agree that this practice keeps my name, my contact details, the therapist I chose and what I wrote about my "
            + "concerns and preferences, so that the practice admin and that therapist can contact me about starting therapy. "
            + "Nothing else is kept from this search. I can ask the practice to delete it at any time."),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
