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

    public const string DefaultCrisisText = "If you are in danger now, call your local emergency number. In the US, call or text 988.";

    /// <summary>Shown to a client at once when they give a risk answer; each practice words it for its own services.</summary>
    public string CrisisText { get; set; } = DefaultCrisisText;

    /// <summary>Who is told, with the supervisors, when a risk alert waits too long (no clinical content is sent).</summary>
    public string? OnCallEmail { get; set; }

    /// <summary>
    /// Years a client's record is kept after the last contact before an erasure request can be carried out
    /// (GDPR Art. 17(3)(b): a legal obligation to retain). Default 20, the retention the NHS England Records Management
    /// Code of Practice gives for adult mental health records; each practice must set its own jurisdiction's rule.
    /// </summary>
    public int RetentionYears { get; set; } = 20;

    /// <summary>Check-in reminders are not emailed between these local times (the practice's <see cref="TimeZone"/>); they wait until the end.</summary>
    public TimeOnly QuietHoursStart { get; set; } = new(21, 0);

    /// <summary>See <see cref="QuietHoursStart"/>.</summary>
    public TimeOnly QuietHoursEnd { get; set; } = new(8, 0);

    /// <summary>The practice's default measurement plan (<see cref="Measures.MeasurementPlan.Format"/>); <c>null</c> for Rapport's default.</summary>
    public string? MeasurementPlan { get; set; }

    /// <summary>
    /// The fewest finished episodes a figure in the practice's insights is shown for (default 10); read it through
    /// <see cref="Clinical.Insights.MinimumN.Effective"/>, which never goes below 5.
    /// </summary>
    public int InsightsMinimumN { get; set; } = Clinical.Insights.MinimumN.Default;

    /// <summary>Months after an episode ended before its client may be invited to share a testimonial (default 3).</summary>
    public int TestimonialGapMonths { get; set; } = 3;

    /// <summary>
    /// For professions whose code forbids soliciting testimonials from former clients too (ACA Code of Ethics 2014
    /// C.3.b): no invitation is ever created, and a former client can only volunteer one from their own pages.
    /// </summary>
    public bool TestimonialsNeverInvite { get; set; }
    public Guid Version { get; set; } = Guid.NewGuid();
}
