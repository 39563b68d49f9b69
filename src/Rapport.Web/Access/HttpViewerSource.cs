using System.Security.Claims;
using Rapport.Access;

namespace Rapport.Web.Access;

/// <summary>
/// The viewer is whoever signed in to this request (cookie or bearer token), and only if that sign-in passed
/// <see cref="CurrentSignIn"/> in this request: a principal that did not (a deactivated staff member's, a made-up user's)
/// is anonymous to every query filter. In a scope made for a background job (<see cref="ViewerScopes.CreateViewerScope"/>)
/// it is the viewer that scope was made for; nothing in a request sets one.
/// </summary>
internal sealed class HttpViewerSource(IHttpContextAccessor accessor, ScopeViewer scope) : IViewerSource
{
    private Viewer? _viewer;

    public Viewer Current => _viewer ??= scope.Viewer ?? From(accessor.HttpContext);

    private static Viewer From(HttpContext? context)
    {
        var user = context?.User;
        if (user?.Identity?.IsAuthenticated != true)
        {
            return Viewer.Anonymous;
        }

        if (context!.Items.TryGetValue(CurrentSignInHandler.CheckedSystem, out var system) && system is Viewer connected)
        {
            return connected;
        }

        var id = user.FindFirstValue(ClaimTypes.NameIdentifier);
        return id is not null && context.Items.TryGetValue(CurrentSignInHandler.CheckedUser, out var checkedId) && Equals(checkedId, id)
            ? Viewer.FromPrincipal(user)
            : Viewer.Anonymous;
    }
}
