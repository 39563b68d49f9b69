namespace Rapport.Practices;

/// <summary>The tenant: one counselling service. Nothing clinical ever crosses from one practice to another.</summary>
public sealed class Practice
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public required string Name { get; set; }
    public required string Slug { get; set; }
    public string TimeZone { get; set; } = "Europe/London";

    /// <summary>Minutes of inactivity before a staff member is signed out (HIPAA 164.312(a)(2)(iii) automatic logoff).</summary>
    public int StaffIdleMinutes { get; set; } = 15;

    /// <summary>Minutes of inactivity before a client is signed out.</summary>
    public int ClientIdleMinutes { get; set; } = 30;

    public bool RequireStaffSecondFactor { get; set; }
    public Guid Version { get; set; } = Guid.NewGuid();
}
