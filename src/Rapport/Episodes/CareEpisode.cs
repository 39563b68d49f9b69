using Rapport.Clients;
using Rapport.Privacy;
using Rapport.Sessions;
using Rapport.Staff;

namespace Rapport.Episodes;

public enum EpisodeFormat
{
    Individual,
    Couple,
    Family,
    Group,
}

public enum EpisodeStatus
{
    Referred,
    Active,
    Paused,
    Ended,
}

/// <summary>
/// One course of care: one or more therapists with one client, a couple, a family or a group.
/// Each member rates separately; no member sees another's answers.
/// </summary>
public sealed class CareEpisode
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid PracticeId { get; init; }
    /// <summary>Free text a person types, and it often names the clients ("Couple work with …"): encrypted at rest.
    /// An encrypted column cannot be sorted or searched in SQL, so order titles in memory.</summary>
    [Encrypted]
    public required string Title { get; set; }
    public EpisodeFormat Format { get; set; }
    public EpisodeStatus Status { get; set; }
    /// <summary>Free text from the referrer: often the most sensitive words in the record, so encrypted at rest.</summary>
    [Encrypted]
    public string? ReferralReason { get; set; }

    /// <summary>The episode's own measurement plan (<see cref="Measures.MeasurementPlan.Format"/>: <c>id:timing</c>, comma-separated;
    /// a bare id narrows the default); <c>null</c> for the practice's default.</summary>
    public string? MeasurementPlan { get; set; }
    public DateOnly StartedOn { get; set; }
    public DateOnly? EndedOn { get; set; }
    public Guid Version { get; set; } = Guid.NewGuid();
    public List<EpisodeTherapist> CareTeam { get; init; } = [];
    public List<EpisodeMember> Members { get; init; } = [];
    public List<Session> Sessions { get; init; } = [];
}

/// <summary>A therapist on an episode's care team.</summary>
public sealed class EpisodeTherapist
{
    public Guid EpisodeId { get; init; }
    public Guid StaffMemberId { get; init; }
    public bool IsLead { get; init; }
    public CareEpisode? Episode { get; init; }
    public StaffMember? StaffMember { get; init; }
}

/// <summary>A client who is a member of an episode (the client of an individual episode, a partner, a group member).</summary>
public sealed class EpisodeMember
{
    public Guid EpisodeId { get; init; }
    public Guid ClientId { get; init; }
    public DateOnly JoinedOn { get; init; }
    public DateOnly? LeftOn { get; set; }
    public CareEpisode? Episode { get; init; }
    public Client? Client { get; init; }
}
