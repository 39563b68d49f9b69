using Microsoft.Extensions.DependencyInjection;
using Rapport.Access;
using Rapport.Persistence;

namespace Rapport.Testing;

/// <summary>
/// One persona's request, as a test makes it: features resolved from the container production's registrations build
/// (as CleanArchitecture's <c>Testing.SendAsync</c>), sharing one <see cref="RapportDb"/> that sees <see cref="Viewer"/>.
/// <code>
/// await using var therapist = await database.As(Personas.Therapist1);
/// var rows = await therapist.Get&lt;GetCaseload&gt;().HandleAsync();
/// </code>
/// </summary>
public sealed class PersonaScope(AsyncServiceScope scope, Viewer viewer) : IAsyncDisposable
{
    public Viewer Viewer { get; } = viewer;

    /// <summary>The scope's database context: the one its features use.</summary>
    public RapportDb Db => Get<RapportDb>();

    /// <summary>A feature (or any service) as the container builds it for this scope.</summary>
    public T Get<T>() where T : notnull => scope.ServiceProvider.GetRequiredService<T>();

    public ValueTask DisposeAsync() => scope.DisposeAsync();
}

/// <summary>The viewer a test scope was made for (<see cref="ViewerScopes.CreateViewerScope(IServiceProvider, Viewer)"/>), as the host's viewer source reads it for a job.</summary>
internal sealed class ScopeViewerSource(ScopeViewer scope) : IViewerSource
{
    public Viewer Current => scope.Viewer ?? Viewer.Anonymous;
}
