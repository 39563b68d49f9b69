namespace Rapport.Staff;

[Flags]
public enum StaffRoles
{
    None = 0,
    Therapist = 1,
    Supervisor = 2,
    PracticeAdmin = 4,
}

/// <summary>Someone who works at a practice. One person may both see clients and supervise.</summary>
public sealed class StaffMember
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid PracticeId { get; init; }
    public required string DisplayName { get; set; }
    public required string Email { get; set; }
    public StaffRoles Roles { get; set; }
    public bool Active { get; set; } = true;
    public DateTime CreatedAt { get; init; }
    public Guid Version { get; set; } = Guid.NewGuid();

    /// <summary>Supervision links in which this staff member is the supervisee.</summary>
    public List<Supervision> SupervisedBy { get; init; } = [];

    public bool Has(StaffRoles role) => (Roles & role) == role;
}

/// <summary>A supervisor oversees a supervisee's caseload, and so may see their clients.</summary>
public sealed class Supervision
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid PracticeId { get; init; }
    public Guid SupervisorId { get; init; }
    public Guid SuperviseeId { get; init; }
    public DateOnly Since { get; init; }
    public StaffMember? Supervisor { get; init; }
    public StaffMember? Supervisee { get; init; }
}
