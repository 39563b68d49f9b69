using Rapport.Email;

namespace Rapport.Web.Startup;

/// <summary>
/// Outside Development, refuses to start with a configuration that is not safe for real clients, and lists every
/// problem at once, so an operator fixes them in one go. Each rule closes a path found in the review of issue 10:
/// demo accounts with a published password, emailed links on a caller's host, sign-in cookies over plain http, a
/// key ring readable by whoever has the database. See docs/operations.md.
/// </summary>
internal static class ProductionSafetyCheck
{
    public static IReadOnlyList<string> Problems(IConfiguration configuration, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(environment);
        if (environment.IsDevelopment())
        {
            return [];
        }

        var problems = new List<string>();
        if (configuration.GetValue("Demo:Seed", false))
        {
            problems.Add("Demo:Seed is on: the demo accounts share a published password. Remove it (it is off by default outside Development).");
        }

        var site = SiteLinks.Configured(configuration, development: false);
        if (site is null)
        {
            problems.Add($"{SiteLinks.Key} is not set: emailed links (password reset, invitations) need the address clients use, e.g. {SiteLinks.Key}=https://rapport.example.org.");
        }
        else if (!Uri.TryCreate(site, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
        {
            problems.Add($"{SiteLinks.Key} is \"{site}\": it must be an absolute https:// address, or reset links and sign-in cookies travel in the clear.");
        }

        if (!ServesHttps(configuration) && !ReverseProxy.IsConfigured(configuration))
        {
            problems.Add($"Neither TLS nor a reverse proxy is configured: listen on an https:// URL (urls or Kestrel:Endpoints with a certificate), or, behind a proxy that terminates TLS, name it in {ReverseProxy.KnownProxiesKey} (or {ReverseProxy.KnownNetworksKey}) so its X-Forwarded-Proto is trusted.");
        }

        var certificate = configuration[SignInKeyRing.CertificatePathKey];
        if (string.IsNullOrWhiteSpace(certificate))
        {
            problems.Add($"The sign-in key ring is unprotected: set {SignInKeyRing.CertificatePathKey} (and {SignInKeyRing.CertificatePasswordKey}) to a PKCS#12 certificate kept outside the database and the data folder.");
        }
        else if (!File.Exists(certificate))
        {
            problems.Add($"{SignInKeyRing.CertificatePathKey} names \"{certificate}\", which does not exist: the sign-in key ring would be unprotected.");
        }

        if (string.IsNullOrWhiteSpace(configuration["Email:SmtpHost"]))
        {
            problems.Add("Email:SmtpHost is not set: invitations and password resets would be written to files nobody reads.");
        }

        return problems;
    }

    /// <summary>Throws with every problem listed; does nothing in Development or when the configuration is safe.</summary>
    public static void Enforce(IConfiguration configuration, IHostEnvironment environment)
    {
        var problems = Problems(configuration, environment);
        if (problems.Count > 0)
        {
            throw new InvalidOperationException(
                $"Rapport will not start in {environment.EnvironmentName}: this configuration is not safe for real clients.\n"
                + string.Join("\n", problems.Select(p => "  - " + p))
                + "\nSee docs/operations.md (production checklist).");
        }
    }

    private static bool ServesHttps(IConfiguration configuration)
    {
        var urls = (configuration["urls"] ?? "") + ";" + (configuration["https_ports"] ?? "");
        if (urls.Contains("https://", StringComparison.OrdinalIgnoreCase) || !string.IsNullOrWhiteSpace(configuration["https_ports"]))
        {
            return true;
        }

        return configuration.GetSection("Kestrel:Endpoints").GetChildren()
            .Any(e => (e["Url"] ?? "").StartsWith("https://", StringComparison.OrdinalIgnoreCase));
    }
}
