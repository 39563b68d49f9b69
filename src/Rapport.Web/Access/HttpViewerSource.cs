using Rapport.Access;

namespace Rapport.Web.Access;

/// <summary>The viewer is whoever signed in to this request (cookie or bearer token).</summary>
internal sealed class HttpViewerSource(IHttpContextAccessor accessor) : IViewerSource
{
    private Viewer? _viewer;

    public Viewer Current => _viewer ??= Viewer.FromPrincipal(accessor.HttpContext?.User);
}
