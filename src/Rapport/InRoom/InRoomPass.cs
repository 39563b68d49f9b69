namespace Rapport.InRoom;

/// <summary>
/// A QR code shown in the room: a short-lived, single-use pointer to one member's check-in. It grants nothing by
/// itself (the client still signs in, as that member); only its hash is stored. See docs/decisions/0011-in-room-check-in.md.
/// </summary>
public sealed class InRoomPass
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(15);

    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid PracticeId { get; init; }
    public Guid EpisodeId { get; init; }
    public Guid ClientId { get; init; }
    public Guid StaffMemberId { get; init; }
    public required string TokenHash { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime ExpiresAt { get; init; }
    public DateTime? UsedAt { get; set; }
}
