using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Rapport.Web.Startup;

/// <summary>
/// Behind a reverse proxy the client's address and scheme come from X-Forwarded-For / X-Forwarded-Proto, but only when
/// the request comes from a proxy named in configuration (<c>ReverseProxy:KnownProxies</c>, addresses;
/// <c>ReverseProxy:KnownNetworks</c>, CIDR ranges; each a list or a comma-separated string). ASP.NET Core's default
/// of trusting loopback is removed: otherwise anyone reaching the app directly could name any address and escape the
/// per-address sign-in limit, and write a false address into the audit trail.
/// </summary>
internal static class ReverseProxy
{
    public static IServiceCollection AddRapportReverseProxy(this IServiceCollection services, IConfiguration configuration) =>
        services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            foreach (var proxy in List(configuration, "ReverseProxy:KnownProxies"))
            {
                options.KnownProxies.Add(IPAddress.Parse(proxy));
            }

            foreach (var network in List(configuration, "ReverseProxy:KnownNetworks"))
            {
                options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });

    // With no proxy configured the middleware is left out entirely: given empty lists, ASP.NET Core's forwarded-headers
    // middleware trusts every sender (it checks the lists only when one of them has an entry).
    public static IApplicationBuilder UseRapportReverseProxy(this IApplicationBuilder app)
    {
        var configuration = app.ApplicationServices.GetRequiredService<IConfiguration>();
        return List(configuration, "ReverseProxy:KnownProxies").Any() || List(configuration, "ReverseProxy:KnownNetworks").Any()
            ? app.UseForwardedHeaders()
            : app;
    }

    private static IEnumerable<string> List(IConfiguration configuration, string key)
    {
        var section = configuration.GetSection(key);
        IEnumerable<string> values = section.Value is { } single ? new[] { single } : section.GetChildren().Select(c => c.Value ?? "");
        return values.SelectMany(v => v.Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }
}
