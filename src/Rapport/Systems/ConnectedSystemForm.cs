namespace Rapport.Systems;

/// <summary>The practice admin's registration form for a connected system.</summary>
public sealed class ConnectedSystemForm
{
    public const int MaxNameLength = 100;

    public string? Name { get; set; }

    /// <summary>The system's public JWKS, pasted as JSON.</summary>
    public string? Jwks { get; set; }

    /// <summary>Space-separated SMART system scopes; <c>system/*.read</c> when left empty.</summary>
    public string? Scopes { get; set; }

    public bool Research { get; set; }
}

/// <summary>A connected system as the administration page lists it.</summary>
public sealed record ConnectedSystemView(Guid Id, string Name, string ClientId, IReadOnlyList<string> Scopes, bool Research, DateTime RegisteredAt, DateTime? RevokedAt);
