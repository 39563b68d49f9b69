using Rapport.Privacy;

namespace Rapport.Testimonials;

public enum TestimonialStatus
{
    /// <summary>Written and consented to by the author; the therapist has not decided.</summary>
    AwaitingApproval,
    /// <summary>Approved by the therapist: shown on the practice's public page and feed.</summary>
    Published,
    /// <summary>The therapist declined to publish it (they cannot edit it).</summary>
    Declined,
    /// <summary>The author withdrew it: gone from every page, its words erased.</summary>
    Withdrawn,
}

/// <summary>
/// A former client's words about their therapy, shown (once the therapist approves) as "shared by a former client" with
/// the month. The words are the author's alone: nobody else can change them, only approve, decline, or (the author)
/// withdraw.
/// </summary>
public sealed class Testimonial
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid PracticeId { get; init; }

    /// <summary>The author.</summary>
    public Guid ClientId { get; init; }

    /// <summary>The therapist it is about (the lead of the author's last episode), who approves or declines.</summary>
    public Guid StaffMemberId { get; init; }

    /// <summary>Free text a person typed, often about their life: encrypted at rest; erased on withdrawal.</summary>
    [Encrypted]
    public required string Text { get; set; }

    public TestimonialStatus Status { get; set; }

    /// <summary>Whether it answered an invitation (false: volunteered from the author's own pages).</summary>
    public bool Invited { get; init; }

    public DateTime WrittenAt { get; init; }
    public DateTime? DecidedAt { get; set; }
    public DateTime? WithdrawnAt { get; set; }
    public Guid Version { get; set; } = Guid.NewGuid();
}

/// <summary>
/// An invitation to a former client to share a testimonial: made at most once per client, only when
/// <see cref="TestimonialRules.MayInvite"/> allows it, never under the practice's never-invite setting.
/// </summary>
public sealed class TestimonialInvitation
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid PracticeId { get; init; }
    public Guid ClientId { get; init; }
    public Guid EpisodeId { get; init; }
    public DateTime CreatedAt { get; init; }
}
