using System.Net;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Web.Tests.Support;

namespace Rapport.Web.Tests.Security;

/// <summary>
/// Every route of the app × every kind of person, built from the route table: a new route without a rule here fails
/// the build, so access is decided on purpose, never by omission. The record in question is client11's: treated by
/// therapist1 (supervised by the supervisor), in a couple with client12. Three more people must be refused everywhere,
/// exactly as an anonymous visitor is (a page sends them to sign in, the API answers 401; never a 200 with data): a
/// validly protected bearer token and sign-in cookie (made with the app's own key ring) for a made-up user id claiming
/// therapist1's staff id and every role, and therapist3, put on client11's care team and then deactivated, with the
/// sign-in cookie they had before.
/// </summary>
public sealed class AuthorisationMatrixTests : IClassFixture<AuthorisationMatrixTests.Fixture>
{
    public enum Persona
    {
        Anonymous,
        ClientThemself,
        CouplePartner,
        GroupMember,
        TreatingTherapist,
        OtherTherapist,
        OtherPracticeTherapist,
        Supervisor,
        AdminWithoutBreakGlass,
        ForgedToken,
        ForgedCookie,
        DeactivatedStaff,
    }

    private static readonly Persona[] Refused = [Persona.ForgedToken, Persona.ForgedCookie, Persona.DeactivatedStaff];

    private const string Deactivated = Personas.Therapist3;

    private static readonly Dictionary<Persona, string> Emails = new()
    {
        [Persona.ClientThemself] = Personas.Client11,
        [Persona.CouplePartner] = Personas.Client12,
        [Persona.GroupMember] = Personas.Client35,
        [Persona.TreatingTherapist] = Personas.Therapist1,
        [Persona.OtherTherapist] = Personas.Therapist2,
        [Persona.OtherPracticeTherapist] = Personas.NorthsideTherapist,
        [Persona.Supervisor] = Personas.Supervisor,
        [Persona.AdminWithoutBreakGlass] = Personas.HarbourAdmin,
    };

    private static readonly Persona[] Clients = [Persona.ClientThemself, Persona.CouplePartner, Persona.GroupMember];
    private static readonly Persona[] Clinicians = [Persona.TreatingTherapist, Persona.OtherTherapist, Persona.OtherPracticeTherapist, Persona.Supervisor];
    private static readonly Persona[] StaffMembers = [.. Clinicians, Persona.AdminWithoutBreakGlass];
    private static readonly Persona[] CareTeam = [Persona.TreatingTherapist, Persona.Supervisor];

    private const int Redirect = 302, Ok = 200, Forbidden = 403, NotFound = 404, Unauthorized = 401;

    /// <summary>What each person gets for GET; null means "the same as everyone else, and never a server error" (public pages).</summary>
    private static readonly Dictionary<string, Func<Persona, int>?> Rules = new(StringComparer.Ordinal)
    {
        ["/"] = p => p == Persona.Anonymous ? Ok : Redirect,
        ["/Error"] = null,
        ["/not-found"] = null,
        ["/status/{Code:int}"] = null,
        ["/invitations/accept"] = null,
        // Development only (404 outside it): a practice admin's own practice's mail; the Northside therapist is their practice's admin.
        ["/dev/outbox"] = p => Page(p, p is Persona.AdminWithoutBreakGlass or Persona.OtherPracticeTherapist),
        ["/health/live"] = null,
        ["/health/ready"] = null,
        // Prometheus metrics: the machine itself (loopback; the test server's requests are not) or a practice admin.
        ["/metrics"] = p => Page(p, p is Persona.AdminWithoutBreakGlass or Persona.OtherPracticeTherapist),
        ["/me"] = p => Page(p, Clients.Contains(p)),
        ["/me/access"] = p => Page(p, Clients.Contains(p)),
        ["/me/consents"] = p => Page(p, Clients.Contains(p)),
        ["/me/record"] = p => Page(p, Clients.Contains(p)),
        ["/me/rights"] = p => Page(p, Clients.Contains(p)),
        ["/me/progress"] = p => Page(p, Clients.Contains(p)),
        ["/me/shared"] = p => Page(p, Clients.Contains(p)),
        ["/check-in"] = p => Page(p, Clients.Contains(p)),
        ["/check-in/done"] = p => Page(p, Clients.Contains(p)),
        // The check-in for client11's couple episode: its members (client11 and their partner, each for themself); any other
        // client 404 (not one of their episodes), staff 403 (a client page).
        ["/check-in/{EpisodeId:guid}"] = p => p == Persona.Anonymous ? Redirect : p == Persona.GroupMember ? NotFound : Clients.Contains(p) ? Ok : Forbidden,
        ["/api/my/export"] = p => Api(p, Clients.Contains(p)),
        ["/api/my/export/download"] = p => Api(p, Clients.Contains(p)),
        ["/listening"] = p => Page(p, Clinicians.Contains(p)),
        // client11's couple session: only a therapist on that episode may upload; a supervisor reads reports but does not upload.
        ["/sessions/{SessionId:guid}/transcript"] = p => p == Persona.Anonymous ? Redirect : !Clinicians.Contains(p) ? Forbidden : p == Persona.TreatingTherapist ? Ok : NotFound,
        // No transcript has client11's id: every clinician gets 404, exactly as for a transcript they may not see.
        ["/transcripts/{Id:guid}"] = p => p == Persona.Anonymous ? Redirect : Clinicians.Contains(p) ? NotFound : Forbidden,
        ["/caseload"] = p => Page(p, Clinicians.Contains(p)),
        ["/invite-client"] = p => Page(p, Clinicians.Contains(p)),
        // The Northside therapist is also their own practice's admin: their admin page, but not Harbour's client.
        ["/admin"] = p => Page(p, p is Persona.AdminWithoutBreakGlass or Persona.OtherPracticeTherapist),
        ["/clients/{Id:guid}/break-glass"] = p => p == Persona.OtherPracticeTherapist ? NotFound : Page(p, p == Persona.AdminWithoutBreakGlass),
        // client11's couple episode: its care team only; a client (even a member) never, another therapist or the admin 404.
        ["/episodes/{Id:guid}"] = p => p == Persona.Anonymous ? Redirect : Clients.Contains(p) ? Forbidden : CareTeam.Contains(p) ? Ok : NotFound,
        ["/clients/{Id:guid}"] = p => p == Persona.Anonymous ? Redirect : Clients.Contains(p) ? Forbidden : CareTeam.Contains(p) ? Ok : NotFound,
        ["/clients/{Id:guid}/report"] = p => p == Persona.Anonymous ? Redirect : Clients.Contains(p) ? Forbidden : CareTeam.Contains(p) ? Ok : NotFound,
        // Recording sessions, the episode's plan and the in-room check-in: the care team only (the supervisor reads, does not record).
        ["/episodes/{EpisodeId:guid}/sessions/new"] = CareTeamOnly,
        ["/sessions/{SessionId:guid}/edit"] = CareTeamOnly,
        ["/episodes/{EpisodeId:guid}/plan"] = CareTeamOnly,
        ["/episodes/{EpisodeId:guid}/in-room"] = CareTeamOnly,
        ["/admin/check-ins"] = p => Page(p, p is Persona.AdminWithoutBreakGlass or Persona.OtherPracticeTherapist),
        ["/admin/insights-and-testimonials"] = p => Page(p, p is Persona.AdminWithoutBreakGlass or Persona.OtherPracticeTherapist),
        ["/admin/systems"] = p => Page(p, p is Persona.AdminWithoutBreakGlass or Persona.OtherPracticeTherapist),
        // An unknown QR token: a client sees "expired or already used" (never which member it was for); others may not use it.
        ["/check-in/room/{Token}"] = p => Page(p, Clients.Contains(p)),
        ["/handover/end"] = p => p == Persona.Anonymous ? Redirect : Ok,
        ["/api/me"] = p => p == Persona.Anonymous ? Unauthorized : Ok,
        ["/api/caseload"] = p => Api(p, Clinicians.Contains(p)),
        ["/api/my/care"] = p => Api(p, Clients.Contains(p)),
        ["/api/my/check-in"] = p => Api(p, Clients.Contains(p)),
        // Insights are aggregates for every staff member of a practice (each sees their own practice's); never a client.
        ["/insights"] = p => Page(p, StaffMembers.Contains(p)),
        ["/api/insights"] = p => Api(p, StaffMembers.Contains(p)),
        ["/api/insights/csv"] = p => Api(p, StaffMembers.Contains(p)),
        // A client's own testimonial page (it says whether they may share one); the review page for therapists.
        ["/me/testimonial"] = p => Page(p, Clients.Contains(p)),
        ["/testimonials"] = p => Page(p, Clinicians.Contains(p)),
        // Public: the practice's published testimonials and rounded aggregates, the same for everyone.
        ["/practices/{Slug}/stories"] = null,
        ["/practices/{slug}/stories.json"] = null,
        // Public matching: the intake, the practice's therapists and a profile page (client11's id is no profile: 404 for everyone).
        ["/practices/{Slug}/find-a-therapist"] = null,
        ["/practices/{Slug}/therapists"] = null,
        ["/practices/{Slug}/therapists/{Id:guid}"] = null,
        // A therapist's own profile; the admin approves profiles; referrals are the admin's and each chosen therapist's.
        ["/profile"] = p => Page(p, Clinicians.Contains(p)),
        ["/admin/profiles"] = p => Page(p, p is Persona.AdminWithoutBreakGlass or Persona.OtherPracticeTherapist),
        ["/referrals"] = p => Page(p, StaffMembers.Contains(p)),
        ["/api/clients/{id:guid}"] = p => p == Persona.Anonymous ? Unauthorized : Clients.Contains(p) ? Forbidden : CareTeam.Contains(p) ? Ok : NotFound,
    };

    /// <summary>Routes this matrix does not probe, each with the reason.</summary>
    private static readonly Dictionary<string, string> Exempt = new(StringComparer.Ordinal)
    {
        ["{**path:file}"] = "static files",
        ["/_framework/opaque-redirect"] = "Blazor framework plumbing",
        ["/api/episodes/{episodeId:guid}/sessions"] = "POST only: W/Api/SessionApiTests.cs",
        ["/api/sessions/{sessionId:guid}"] = "PUT only: W/Api/SessionApiTests.cs",
        ["/api/my/check-in/answers"] = "POST only: W/Api/CheckInApiTests.cs",
        ["/api/practices/{slug}/matches"] = "POST only, public (no account), rate limited: W/Matching/MatchingWebTests.cs",
        ["/auth/token"] = "SMART Backend Services token endpoint (POST only, a signed client assertion, no sign-in): W/Fhir/SmartBackendServicesTests.cs",
        ["/.well-known/smart-configuration"] = "public SMART discovery document (no data): W/Fhir/SmartBackendServicesTests.cs",
        ["/fhir/$export"] = "Bulk Data kick-off, registered systems only (a person gets 403, no token 401): W/Fhir/BulkExportTests.cs",
        ["/fhir/$export-status/{id}"] = "Bulk Data status and cancel, the requesting system only (another system 404): W/Fhir/BulkExportTests.cs",
        ["/fhir/$export-file/{id}"] = "Bulk Data files, the requesting system's token only (none 401, another system or a person 404): W/Fhir/BulkExportTests.cs",
        ["/fhir/metadata"] = "FHIR R4 (resource type and id in the route): W/Fhir/FhirApiTests.cs probes it through Firely's FhirClient (another practice, a couple partner, a client for someone else: 404; anonymous: 401, Anonymous_GetsUnauthorized_WithNoResource)",
        ["/fhir/Patient/{id}/$everything"] = "FHIR R4 (resource type and id in the route): W/Fhir/FhirApiTests.cs probes it through Firely's FhirClient (another practice, a couple partner, a client for someone else: 404; anonymous: 401, Anonymous_GetsUnauthorized_WithNoResource)",
        ["/fhir/Patient/$everything"] = "FHIR R4 (resource type and id in the route): W/Fhir/FhirApiTests.cs probes it through Firely's FhirClient (another practice, a couple partner, a client for someone else: 404; anonymous: 401, Anonymous_GetsUnauthorized_WithNoResource)",
        ["/fhir/{type}"] = "FHIR R4 (resource type and id in the route): W/Fhir/FhirApiTests.cs probes it through Firely's FhirClient (another practice, a couple partner, a client for someone else: 404; anonymous: 401, Anonymous_GetsUnauthorized_WithNoResource)",
        ["/fhir/{type}/_search"] = "FHIR R4 (resource type and id in the route): W/Fhir/FhirApiTests.cs probes it through Firely's FhirClient (another practice, a couple partner, a client for someone else: 404; anonymous: 401, Anonymous_GetsUnauthorized_WithNoResource)",
        ["/fhir/{type}/{id}"] = "FHIR R4 (resource type and id in the route): W/Fhir/FhirApiTests.cs probes it through Firely's FhirClient (another practice, a couple partner, a client for someone else: 404; anonymous: 401, Anonymous_GetsUnauthorized_WithNoResource)",
        ["/fhir/QuestionnaireResponse"] = "FHIR R4 (resource type and id in the route): W/Fhir/FhirApiTests.cs probes it through Firely's FhirClient (another practice, a couple partner, a client for someone else: 404; anonymous: 401, Anonymous_GetsUnauthorized_WithNoResource)",
        ["/fhir/Flag/{id}"] = "FHIR R4 (resource type and id in the route): W/Fhir/FhirApiTests.cs probes it through Firely's FhirClient (another practice, a couple partner, a client for someone else: 404; anonymous: 401, Anonymous_GetsUnauthorized_WithNoResource)",
        ["/fhir/{type}/{id}/{**rest}"] = "FHIR R4 (resource type and id in the route): W/Fhir/FhirApiTests.cs probes it through Firely's FhirClient (another practice, a couple partner, a client for someone else: 404; anonymous: 401, Anonymous_GetsUnauthorized_WithNoResource)",
        ["/fhir/{*path:nonfile}"] = "FHIR R4 (resource type and id in the route): W/Fhir/FhirApiTests.cs probes it through Firely's FhirClient (another practice, a couple partner, a client for someone else: 404; anonymous: 401, Anonymous_GetsUnauthorized_WithNoResource)",
    };

    // ASP.NET Core Identity's own pages and endpoints: anonymous must never get a 200 from the Manage pages; the rest
    // are sign-in plumbing, probed only for "no server error". POST-only endpoints are covered by their own tests.
    private static bool IsIdentity(string pattern) =>
        pattern.StartsWith("/Account/", StringComparison.Ordinal) || pattern == "/Account/Manage" || pattern.StartsWith("/api/identity/", StringComparison.Ordinal);

    private static int CareTeamOnly(Persona p) =>
        p == Persona.Anonymous ? Redirect : !Clinicians.Contains(p) ? Forbidden : p == Persona.TreatingTherapist ? Ok : NotFound;

    private static int Page(Persona p, bool allowed) => p == Persona.Anonymous ? Redirect : allowed ? Ok : Forbidden;

    private static int Api(Persona p, bool allowed) => p == Persona.Anonymous ? Unauthorized : allowed ? Ok : Forbidden;

    private readonly Fixture _fixture;

    public AuthorisationMatrixTests(Fixture fixture) => _fixture = fixture;

    [Fact]
    public void EveryRoute_HasAnAccessRule()
    {
        var missing = _fixture.Routes.Where(r => !Rules.ContainsKey(r) && !Exempt.ContainsKey(r) && !IsIdentity(r)).ToList();
        var stale = Rules.Keys.Where(k => !_fixture.Routes.Contains(k)).ToList();

        Assert.True(missing.Count == 0, "Routes with no access rule in AuthorisationMatrixTests: " + string.Join(", ", missing));
        Assert.True(stale.Count == 0, "Rules for routes that no longer exist: " + string.Join(", ", stale));
    }

    [Fact]
    public async Task EveryRoute_ForEveryPerson_GivesTheExpectedStatus()
    {
        var failures = new List<string>();
        foreach (var (pattern, rule) in Rules)
        {
            var url = await _fixture.UrlAsync(pattern);
            int? shared = null;
            foreach (var persona in Enum.GetValues<Persona>())
            {
                var status = await _fixture.GetAsync(persona, url);
                if (rule is null)
                {
                    shared ??= status;
                    if (status >= 500 || status != shared)
                    {
                        failures.Add($"{pattern} as {persona}: {status}, expected {shared} for everyone");
                    }
                }
                else if (Refused.Contains(persona))
                {
                    // Treated as nobody: what an anonymous visitor gets (a bearer token's challenge is 401 where a page would redirect).
                    var anonymous = rule(Persona.Anonymous);
                    if (status != anonymous && !(persona == Persona.ForgedToken && anonymous == Redirect && status == Unauthorized))
                    {
                        failures.Add($"{pattern} as {persona}: {status}, expected {anonymous} as for anyone not signed in");
                    }
                }
                else if (rule(persona) != status)
                {
                    failures.Add($"{pattern} as {persona}: {status}, expected {rule(persona)}");
                }
            }
        }

        foreach (var pattern in _fixture.Routes.Where(IsIdentity).Where(r => _fixture.Gets.Contains(r)))
        {
            var url = await _fixture.UrlAsync(pattern);
            foreach (var persona in Enum.GetValues<Persona>())
            {
                var status = await _fixture.GetAsync(persona, url);
                if (status >= 500 || ((persona == Persona.Anonymous || Refused.Contains(persona)) && pattern.StartsWith("/Account/Manage", StringComparison.Ordinal) && status == Ok))
                {
                    failures.Add($"{pattern} as {persona}: {status}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    public sealed class Fixture : IAsyncLifetime
    {
        private readonly RapportApp _app = new();
        private readonly Dictionary<Persona, HttpClient> _clients = [];

        public HashSet<string> Routes { get; } = new(StringComparer.Ordinal);
        public HashSet<string> Gets { get; } = new(StringComparer.Ordinal);

        public async Task InitializeAsync()
        {
            _clients[Persona.Anonymous] = _app.Anonymous();
            foreach (var (persona, email) in Emails)
            {
                _clients[persona] = await _app.SignedInWithCookieAsync(email);
            }

            _clients[Persona.ForgedToken] = await ForgedSignIn.WithTokenAsync(_app);
            _clients[Persona.ForgedCookie] = await ForgedSignIn.WithCookieAsync(_app);
            await DeactivateACareTeamMemberAsync();

            foreach (var endpoint in _app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
            {
                var pattern = endpoint.RoutePattern.RawText ?? "";
                if (!pattern.StartsWith('/') && !pattern.StartsWith('{'))
                {
                    continue; // fingerprinted static assets: "app.css", "lib/bootstrap/…"
                }

                Routes.Add(pattern);
                var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods;
                if (methods is null || methods.Contains("GET"))
                {
                    Gets.Add(pattern);
                }
            }
        }

        // therapist3 joins client11's couple episode (so the record opens for them), signs in, and is then deactivated.
        private async Task DeactivateACareTeamMemberAsync()
        {
            var client11 = await _app.ClientIdAsync(Personas.Client11);
            var staffId = (await _app.ViewerForAsync(Deactivated)).StaffMemberId!.Value;
            await using (var db = _app.SystemDb())
            {
                var couple = db.EpisodeMembers.Where(m => m.ClientId == client11).Select(m => m.EpisodeId).Single();
                db.Add(new Rapport.Episodes.EpisodeTherapist { EpisodeId = couple, StaffMemberId = staffId });
                await db.SaveChangesAsync();
            }

            var cookie = await _app.SignedInWithCookieAsync(Deactivated);
            using (var before = await cookie.GetAsync(new Uri($"/clients/{client11}", UriKind.Relative)))
            {
                if (before.StatusCode != HttpStatusCode.OK)
                {
                    throw new InvalidOperationException($"therapist3 should see client11 before deactivation, got {(int)before.StatusCode}");
                }
            }

            await _app.SetStaffActiveAsync(Deactivated, active: false);
            _clients[Persona.DeactivatedStaff] = cookie;
        }

        public async Task<string> UrlAsync(string pattern)
        {
            var client11 = await _app.ClientIdAsync(Personas.Client11);
            Guid session, couple;
            await using (var db = _app.SystemDb())
            {
                couple = db.EpisodeMembers.Where(m => m.ClientId == client11).Select(m => m.EpisodeId).Single();
                session = db.Sessions.Where(s => s.Status == Rapport.Sessions.SessionStatus.Attended && s.Episode!.Members.Any(m => m.ClientId == client11))
                    .OrderBy(s => s.StartsAt).Select(s => s.Id).First();
            }

            if (pattern.StartsWith("/episodes/", StringComparison.Ordinal))
            {
                pattern = pattern.Replace("{Id:guid}", couple.ToString(), StringComparison.Ordinal);
            }

            return pattern
                .Replace("{SessionId:guid}", session.ToString(), StringComparison.Ordinal)
                .Replace("{EpisodeId:guid}", couple.ToString(), StringComparison.Ordinal)
                .Replace("{Token}", "not-a-real-token", StringComparison.Ordinal)
                .Replace("{Id:guid}", client11.ToString(), StringComparison.Ordinal)
                .Replace("{id:guid}", client11.ToString(), StringComparison.Ordinal)
                .Replace("{Code:int}", "404", StringComparison.Ordinal)
                .Replace("{Slug}", "harbour", StringComparison.Ordinal)
                .Replace("{slug}", "harbour", StringComparison.Ordinal)
                .Replace("{Id}", "unknown-passkey", StringComparison.Ordinal);
        }

        public async Task<int> GetAsync(Persona persona, string url)
        {
            using var response = await _clients[persona].GetAsync(new Uri(url, UriKind.Relative));
            return (int)response.StatusCode;
        }

        public Task DisposeAsync()
        {
            foreach (var client in _clients.Values)
            {
                client.Dispose();
            }

            _app.Dispose();
            return Task.CompletedTask;
        }
    }
}
