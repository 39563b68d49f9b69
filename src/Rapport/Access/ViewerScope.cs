using Microsoft.Extensions.DependencyInjection;

namespace Rapport.Access;

/// <summary>
/// The viewer of a scope that serves no HTTP request: a background job's round (<see cref="Viewer.System"/>) or a test
/// acting as a persona. The host's viewer source reads it before the request's principal; within a request nothing
/// sets it. Jobs and tests so resolve the same features, built the same way, as a page does.
/// </summary>
public sealed class ScopeViewer
{
    public Viewer? Viewer { get; private set; }

    internal void Set(Viewer viewer) =>
        Viewer = Viewer is null ? viewer : throw new InvalidOperationException("A scope's viewer is set once, when the scope is created.");
}

public static class ViewerScopes
{
    /// <summary>A new scope whose database and features see <paramref name="viewer"/>.</summary>
    public static AsyncServiceScope CreateViewerScope(this IServiceProvider services, Viewer viewer)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        var scope = services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<ScopeViewer>().Set(viewer);
        return scope;
    }

    /// <inheritdoc cref="CreateViewerScope(IServiceProvider, Viewer)"/>
    public static AsyncServiceScope CreateViewerScope(this IServiceScopeFactory scopes, Viewer viewer)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        ArgumentNullException.ThrowIfNull(viewer);
        var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<ScopeViewer>().Set(viewer);
        return scope;
    }
}
