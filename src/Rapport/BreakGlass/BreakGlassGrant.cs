namespace Rapport.BreakGlass;

/// <summary>
/// Emergency access (HIPAA 164.312(a)(2)(ii), emergency access procedure): a practice admin may read one client's
/// clinical record for a short time after giving a reason. The care-relationship filters honour a live grant;
/// the reason is in the audit trail and the treating therapists are told.
/// </summary>
public sealed class BreakGlassGrant
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid PracticeId { get; init; }
    public Guid StaffMemberId { get; init; }
    public Guid ClientId { get; init; }
    /// <summary>The admin's own words, which may describe the client's situation: encrypted at rest.</summary>
    [Privacy.Encrypted]
    public required string Reason { get; init; }
    public DateTime GrantedAt { get; init; }
    public DateTime ExpiresAt { get; init; }
}
