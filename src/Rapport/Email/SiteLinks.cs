using Microsoft.Extensions.Configuration;

namespace Rapport.Email;

/// <summary>
/// The one place an emailed link is made: always on the configured site address (<c>SiteUrl</c>), never on the Host
/// header of the request that caused the email. A link built from the request lets anyone who can send a request with
/// <c>Host: evil.example</c> receive a victim's password-reset code (issue 10, password-reset poisoning).
/// </summary>
public sealed class SiteLinks
{
    /// <summary>The configuration key; <c>Email:SiteUrl</c> (its former home) is still read when it is unset.</summary>
    public const string Key = "SiteUrl";

    public const string DevelopmentDefault = "http://127.0.0.1:5080/";

    private readonly Uri? _root;

    public SiteLinks(string? siteUrl)
    {
        if (!string.IsNullOrWhiteSpace(siteUrl) && Uri.TryCreate(siteUrl.TrimEnd('/') + "/", UriKind.Absolute, out var root))
        {
            _root = root;
        }
    }

    /// <summary>The configured address, or in Development the loopback address the README names.</summary>
    public static string? Configured(IConfiguration configuration, bool development)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var value = configuration[Key];
        if (string.IsNullOrWhiteSpace(value))
        {
            value = configuration["Email:SiteUrl"];
        }

        return string.IsNullOrWhiteSpace(value) ? (development ? DevelopmentDefault : null) : value;
    }

    /// <summary>The site's root, ending in a slash; <c>null</c> when none is configured (production refuses to start then).</summary>
    public Uri? Root => _root;

    private Uri RequiredRoot => _root ?? throw new InvalidOperationException($"{Key} is not configured: set {Key} (e.g. https://rapport.example.org) so emailed links point at this site.");

    /// <summary>An absolute link to a path of this site, e.g. <c>To("Account/ResetPassword")</c>.</summary>
    public string To(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return new Uri(RequiredRoot, path.TrimStart('/')).AbsoluteUri;
    }

    /// <summary>
    /// The same path and query on this site: for links made by framework code from the request
    /// (Identity's API confirmation link), so their host and scheme are never the caller's.
    /// </summary>
    public string Rebase(string link)
    {
        ArgumentNullException.ThrowIfNull(link);
        if (!Uri.TryCreate(link, UriKind.RelativeOrAbsolute, out var uri))
        {
            throw new ArgumentException("Not a link.", nameof(link));
        }

        var pathAndQuery = uri.IsAbsoluteUri ? uri.PathAndQuery : link;
        var basePath = RequiredRoot.AbsolutePath.TrimEnd('/');
        if (basePath.Length > 0 && pathAndQuery.StartsWith(basePath + "/", StringComparison.Ordinal))
        {
            pathAndQuery = pathAndQuery[basePath.Length..];
        }

        return To(pathAndQuery);
    }
}
