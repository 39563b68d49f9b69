using Microsoft.AspNetCore.Identity;

namespace Rapport.Accounts;

/// <summary>
/// A sign-in. Belongs to exactly one practice and is either a staff member or a client; the care
/// relationship, not this account, decides what it may see.
/// </summary>
public sealed class RapportUser : IdentityUser
{
    public Guid PracticeId { get; set; }
    public Guid? StaffMemberId { get; set; }
    public Guid? ClientId { get; set; }
}
