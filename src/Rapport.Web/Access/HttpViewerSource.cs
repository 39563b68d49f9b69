using Rapport.Access;

namespace Rapport.Web.Access;

/// <summary>
/// The viewer is whoever signed in to this request (cookie or bearer token), or, in a scope made for a background job
/// (<see cref="ViewerScopes.CreateViewerScope"/>), the viewer it was made for.
/// </summary>
internal sealed class HttpViewerSource(IHttpContextAccessor accessor, ScopeViewer scope) : IViewerSource
{
    private Viewer? _viewer;

    public Viewer Current => _viewer ??= scope.Viewer ?? Viewer.FromPrincipal(accessor.HttpContext?.User);
}
