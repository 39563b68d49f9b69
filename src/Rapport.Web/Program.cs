using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Identity;
using Rapport;
using Rapport.Access;
using Rapport.Accounts;
using Rapport.Email;
using Rapport.Persistence;
using Rapport.Web.Access;
using Rapport.Web.Api;
using Rapport.Web.Components;
using Rapport.Web.Components.Account;
using Rapport.Web.Fhir;
using Rapport.Web.Fhir.Smart;
using Rapport.Web.Jobs;
using Rapport.Web.Startup;

var builder = WebApplication.CreateBuilder(args);
ProductionSafetyCheck.Enforce(builder.Configuration, builder.Environment);

// One command, no configuration: listen on the loopback port the README names unless --urls says otherwise.
if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["http_ports"]))
{
    builder.WebHost.UseUrls("http://127.0.0.1:5080");
}

// `dotnet run --launch-profile Production` serves the same static files as Development (the framework loads them only
// in Development); a published app has no such manifest, so this changes nothing there.
builder.WebHost.UseStaticWebAssets();
builder.Services.AddRazorComponents();
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
builder.AddRapportDataProtection();
builder.Services.AddRapportReverseProxy(builder.Configuration);
if (!builder.Environment.IsDevelopment() && new SiteLinks(SiteLinks.Configured(builder.Configuration, false)).Root is { } site)
{
    // Only the site's own host name is answered (Development keeps localhost, appsettings.Development.json); AllowedHosts still overrides.
    builder.Services.PostConfigure<Microsoft.AspNetCore.HostFiltering.HostFilteringOptions>(o =>
    {
        if (o.AllowedHosts.Count == 0 || o.AllowedHosts.Contains("*"))
        {
            o.AllowedHosts = [site.Host];
        }
    });
}
builder.Services.AddCascadingAuthenticationState();
builder.Services.AddHttpContextAccessor();
builder.Services.AddScoped<IdentityRedirectManager>();
builder.Services.AddScoped<AuthenticationStateProvider, IdentityRevalidatingAuthenticationStateProvider>();
builder.Services.AddScoped<IViewerSource, HttpViewerSource>();
builder.Services.AddScoped<CurrentSignIn>();
builder.Services.AddScoped<HandOverSignIn>();

builder.Services.AddRapportDatabase(builder.Configuration);
builder.Services.AddRapportMail(builder.Configuration, builder.Environment.IsDevelopment());
builder.Services.AddRapportFeatures();
builder.Services.AddDatabaseDeveloperPageExceptionFilter();

builder.Services.AddAuthentication(options =>
    {
        options.DefaultScheme = Policies.CookieOrBearer;
        options.DefaultSignInScheme = IdentityConstants.ExternalScheme;
    })
    // The cookie (browser) or the bearer token (API), each checked against the account on every request (CurrentSignIn).
    .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, CurrentSignInHandler>(Policies.CookieOrBearer, "Sign-in cookie or bearer token", null)
    .AddBearerToken(IdentityConstants.BearerScheme, IdleSignOut.ConfigureTokens)
    .AddIdentityCookies();

builder.Services.AddIdentityCore<RapportUser>(options =>
    {
        options.SignIn.RequireConfirmedAccount = true;
        options.Stores.SchemaVersion = IdentitySchemaVersions.Version3;
        options.User.RequireUniqueEmail = true;
        // NIST SP 800-63B: length and a blocklist (NistPasswordValidator), no composition rules.
        options.Password.RequiredLength = NistPasswordValidator.MinimumLength;
        options.Password.RequireDigit = false;
        options.Password.RequireLowercase = false;
        options.Password.RequireUppercase = false;
        options.Password.RequireNonAlphanumeric = false;
        options.Password.RequiredUniqueChars = 1;
        options.Lockout.AllowedForNewUsers = true;
        options.Lockout.MaxFailedAccessAttempts = 5;
        options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
    })
    .AddEntityFrameworkStores<RapportDb>()
    .AddSignInManager()
    .AddDefaultTokenProviders()
    .AddPasswordValidator<NistPasswordValidator>()
    .AddClaimsPrincipalFactory<RapportClaimsFactory>()
    .AddUserConfirmation<ActiveAccountConfirmation>()
    .AddApiEndpoints();

builder.Services.ConfigureApplicationCookie(IdleSignOut.Configure);
if (!builder.Environment.IsDevelopment())
{
    // Outside Development the sign-in cookie is marked Secure: never sent over plain http (HIPAA 164.312(e)(1)).
    builder.Services.PostConfigure<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions>(
        IdentityConstants.ApplicationScheme, o => o.Cookie.SecurePolicy = Microsoft.AspNetCore.Http.CookieSecurePolicy.Always);
}

builder.Services.AddSmartBackendServices(builder.Environment);
builder.Services.AddAuthorization(Policies.Configure);
builder.Services.AddAuthorization(TelemetrySetup.AddMetricsPolicy);
builder.Services.AddSingleton<IEmailSender<RapportUser>, IdentityMailSender>();
// First of all hosted services, ahead of the ones AddRazorComponents and AddDataProtection registered: the key ring
// lives in the database, and reading it before the migrations ran logged "no such table" on every first start.
builder.Services.Insert(0, ServiceDescriptor.Singleton<IHostedService, FirstRun>());
builder.Services.AddHostedService<RevokeCompromisedSignInKeys>();
builder.Services.AddRapportRateLimits(builder.Configuration);
builder.Services.AddRapportJobs();
builder.Services.AddRapportHealth(builder.Configuration, builder.Environment);
builder.AddRapportTelemetry();

var app = builder.Build();

// First, so the audit trail, the rate limits and the scheme see the client behind a configured proxy, and only then.
app.UseRapportReverseProxy();

if (app.Environment.IsDevelopment())
{
    app.UseMigrationsEndPoint();
}
else
{
    app.UseExceptionHandler("/Error", createScopeForErrors: true);
    app.UseHsts();
}

app.UseSecurityHeaders();
// Inside the exception handler: a database that is unreachable or switching is a 503 to retry, never a 500 page.
app.UseDatabaseUnavailable();
app.UseDevelopmentOnlyPaths();
app.UseRequestSizeLimit(app.Configuration);

app.UseStatusCodePagesWithReExecute("/status/{0}", createScopeForStatusCodePages: true);
app.Use((context, next) =>
{
    // API callers get bare status codes (and problem details), never an HTML status page.
    if ((context.Request.Path.StartsWithSegments("/api") || context.Request.Path.StartsWithSegments("/fhir") || context.Request.Path.StartsWithSegments("/auth")) && context.Features.Get<IStatusCodePagesFeature>() is { } pages)
    {
        pages.Enabled = false;
    }

    return next(context);
});
app.UseRequestAudit();
app.UseAuthentication();
app.UseRapportRateLimits();
app.UseHandOverLock();
app.UseStaffSecondFactor();
app.UseAuthorization();
app.UseAntiforgery();

app.MapStaticAssets().AllowAnonymous();
app.MapRazorComponents<App>();
app.MapAdditionalIdentityEndpoints();
app.MapRapportApi();
app.MapSmartBackendServices();
app.MapFhir();
app.MapRapportHealth();
app.MapRapportMetrics();

await app.RunAsync();
