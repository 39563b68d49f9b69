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
    public Guid Version { get; set; } = Guid.NewGuid();
    public List<EpisodeMember> Memberships { get; init; } = [];
}
