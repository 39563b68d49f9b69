using System.Security.Claims;
using Rapport.Staff;

namespace Rapport.Access;

/// <summary>
/// Who is asking. Every query of clinical data is filtered by the viewer's care relationships
/// (see <see cref="Persistence.RapportDb"/>), so a page or endpoint cannot forget to check.
/// </summary>
public sealed record Viewer
{
    public string? UserId { get; init; }
    public Guid? PracticeId { get; init; }
    public Guid? StaffMemberId { get; init; }
    public Guid? ClientId { get; init; }
    public StaffRoles Roles { get; init; }

    /// <summary>Background work, migrations, demo data and the researcher CLI: not a person, sees everything.</summary>
    public bool IsSystem { get; init; }

    /// <summary>
    /// A registered system (SMART Backend Services, <see cref="Systems.ConnectedSystem"/>) reading its one practice: the
    /// tenant filter holds it to <see cref="PracticeId"/>, and within that practice it reads the records the FHIR API
    /// serves, read-only (RapportDb refuses its writes). Audit entries name it.
    /// </summary>
    public Guid? ConnectedSystemId { get; init; }

    /// <summary>The connected system's name as registered, for the audit trail.</summary>
    public string? ConnectedSystemName { get; init; }

    /// <summary>The SMART scopes a connected system's token was granted (<c>system/*.read</c>, …); empty for everyone else.</summary>
    public IReadOnlyList<string> Scopes { get; init; } = [];

    public bool IsConnectedSystem => ConnectedSystemId is not null;

    public bool IsAuthenticated => IsSystem || UserId is not null || IsConnectedSystem;
    public bool IsStaff => StaffMemberId is not null;
    public bool IsClient => ClientId is not null;
    public bool Has(StaffRoles role) => StaffMemberId is not null && (Roles & role) == role;

    public static Viewer System { get; } = new() { IsSystem = true };
    public static Viewer Anonymous { get; } = new();

    /// <summary>The viewer of a registered system's request or export: its own practice only.</summary>
    public static Viewer ForConnectedSystem(Guid systemId, string name, Guid practiceId, IReadOnlyList<string> scopes, bool research) =>
        new() { ConnectedSystemId = systemId, ConnectedSystemName = name, PracticeId = practiceId, Scopes = scopes, ResearchSystem = research };

    /// <summary>A research system gets de-identified Bulk exports only: never an identified read or search.</summary>
    public bool ResearchSystem { get; init; }

    public static Viewer FromPrincipal(ClaimsPrincipal? principal)
    {
        if (principal?.Identity?.IsAuthenticated != true)
        {
            return Anonymous;
        }

        var roles = StaffRoles.None;
        foreach (var role in principal.FindAll(ClaimTypes.Role))
        {
            if (Enum.TryParse<StaffRoles>(role.Value, out var parsed))
            {
                roles |= parsed;
            }
        }

        return new Viewer
        {
            UserId = principal.FindFirstValue(ClaimTypes.NameIdentifier),
            PracticeId = GuidClaim(principal, RapportClaims.Practice),
            StaffMemberId = GuidClaim(principal, RapportClaims.StaffMember),
            ClientId = GuidClaim(principal, RapportClaims.Client),
            Roles = roles,
        };
    }

    private static Guid? GuidClaim(ClaimsPrincipal principal, string type) =>
        Guid.TryParse(principal.FindFirstValue(type), out var id) ? id : null;
}

public static class RapportClaims
{
    public const string Practice = "rapport:practice";
    public const string StaffMember = "rapport:staff";
    public const string Client = "rapport:client";
    public const string ConnectedSystem = "rapport:system";
    public const string ClientRole = "Client";
}

/// <summary>Where the current viewer comes from: the HTTP request in the app, <see cref="Viewer.System"/> in the CLI.</summary>
public interface IViewerSource
{
    Viewer Current { get; }
}

public sealed class FixedViewerSource(Viewer viewer) : IViewerSource
{
    public Viewer Current { get; } = viewer;
}
