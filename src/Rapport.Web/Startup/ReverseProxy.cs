using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Rapport.Web.Startup;

/// <summary>
/// Behind a reverse proxy that terminates TLS, the proxy's <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> are
/// honoured only from the proxies named in <c>ReverseProxy:KnownProxies</c> (addresses) or
/// <c>ReverseProxy:KnownNetworks</c> (CIDR), comma-separated or as a list. From anyone else the headers are ignored,
/// so a client cannot claim another address (rate limits, audit) or claim https.
/// </summary>
internal static class ReverseProxy
{
    public const string KnownProxiesKey = "ReverseProxy:KnownProxies";
    public const string KnownNetworksKey = "ReverseProxy:KnownNetworks";

    public static bool IsConfigured(IConfiguration configuration) =>
        Values(configuration, KnownProxiesKey).Count > 0 || Values(configuration, KnownNetworksKey).Count > 0;

    public static IServiceCollection AddRapportReverseProxy(this IServiceCollection services, IConfiguration configuration)
    {
        var proxies = Values(configuration, KnownProxiesKey).Select(IPAddress.Parse).ToList();
        var networks = Values(configuration, KnownNetworksKey).Select(System.Net.IPNetwork.Parse).ToList();
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // Only the configured proxies: the framework's default trusts loopback, which is not what an operator wrote.
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            proxies.ForEach(o.KnownProxies.Add);
            networks.ForEach(o.KnownIPNetworks.Add);
        });
        return services;
    }

    public static void UseRapportReverseProxy(this WebApplication app)
    {
        if (IsConfigured(app.Configuration))
        {
            app.UseForwardedHeaders();
        }
    }

    internal static List<string> Values(IConfiguration configuration, string key)
    {
        var section = configuration.GetSection(key);
        var listed = section.GetChildren().Select(c => c.Value).OfType<string>().ToList();
        var values = listed.Count > 0 ? listed : (section.Value ?? "").Split([',', ';'], StringSplitOptions.None).ToList();
        return [.. values.Select(v => v.Trim()).Where(v => v.Length > 0)];
    }
}
