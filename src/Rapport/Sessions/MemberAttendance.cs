namespace Rapport.Sessions;

/// <summary>
/// The missed-session rule, written once: in a couple, family or group, a session held without this member (attendees
/// recorded, they not among them) was, for them, not attended. A session held before attendance was recorded counts for
/// every member. Their progress, their record, their own page, their export and what they are asked all use it.
/// </summary>
public static class MemberAttendance
{
    /// <summary>The session's status as one member lived it.</summary>
    /// <param name="status">The session's own status.</param>
    /// <param name="attendeesRecorded">Whether anyone is recorded as attending.</param>
    /// <param name="wasThere">Whether this member is among the recorded attendees.</param>
    public static SessionStatus StatusFor(SessionStatus status, bool attendeesRecorded, bool wasThere) =>
        status == SessionStatus.Attended && attendeesRecorded && !wasThere ? SessionStatus.DidNotAttend : status;
}
