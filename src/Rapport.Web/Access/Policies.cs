using Microsoft.AspNetCore.Authorization;
using Rapport.Access;
using Rapport.Staff;

namespace Rapport.Web.Access;

/// <summary>
/// Role gates for pages and endpoints. They say which kind of person a page is for; what that person may
/// see inside it is decided by the care-relationship query filters in <c>RapportDb</c>.
/// </summary>
public static class Policies
{
    public const string Staff = "Staff";
    public const string Clinician = "Clinician";
    public const string PracticeAdmin = "PracticeAdmin";
    public const string Client = "Client";

    /// <summary>A browser signs in with a cookie, an API client with a bearer token; a challenge goes to the one in use.</summary>
    public const string CookieOrBearer = "CookieOrBearer";

    private static readonly string[] Schemes = [CookieOrBearer];

    public static void Configure(AuthorizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.DefaultPolicy = Authenticated().Build();
        // Secure by default: a page or endpoint that forgets [Authorize] still requires a sign-in.
        options.FallbackPolicy = Authenticated().Build();
        options.AddPolicy(Staff, Authenticated().RequireClaim(RapportClaims.StaffMember).Build());
        options.AddPolicy(Clinician, Authenticated().RequireRole(nameof(StaffRoles.Therapist), nameof(StaffRoles.Supervisor)).Build());
        options.AddPolicy(PracticeAdmin, Authenticated().RequireRole(nameof(StaffRoles.PracticeAdmin)).Build());
        options.AddPolicy(Client, Authenticated().RequireClaim(RapportClaims.Client).Build());
    }

    private static AuthorizationPolicyBuilder Authenticated() =>
        new AuthorizationPolicyBuilder(Schemes).RequireAuthenticatedUser();
}
