using System.Linq.Expressions;
using Rapport.Episodes;

namespace Rapport.Clients;

/// <summary>A person receiving care. May have several episodes over years, with the same or another therapist.</summary>
public sealed class Client
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid PracticeId { get; init; }
    public required string DisplayName { get; set; }
    public string? Email { get; set; }
    public DateOnly? DateOfBirth { get; set; }
    public DateTime CreatedAt { get; init; }
    /// <summary>Processing restricted at the client's request (GDPR Art. 18): kept, but not analysed, exported for research or used beyond care.</summary>
    public bool ProcessingRestricted { get; set; }

    /// <summary>Set when the client's record was erased on request: the row stays so the audit trail still resolves.</summary>
    public DateTime? ErasedAt { get; set; }

    /// <summary>The client asked not to be emailed when a check-in is due (set on their own My care page).</summary>
    public bool RemindersOff { get; set; }
    public Guid Version { get; set; } = Guid.NewGuid();
    public List<EpisodeMember> Memberships { get; init; } = [];

    /// <summary>
    /// Whose data may be used beyond their own care (a research export, a public testimonial): nobody who restricted
    /// processing (GDPR Art. 18) or was erased.
    /// </summary>
    public static readonly Expression<Func<Client, bool>> MayBeUsedBeyondCare = c => !c.ProcessingRestricted && c.ErasedAt == null;
}
