namespace Rapport.Systems;

/// <summary>
/// A system a practice admin registered to read the practice's records over FHIR (SMART Backend Services): an EHR, a
/// registry, a research warehouse. It signs in with a client assertion signed by one of the keys in its public JWKS
/// (kept by OpenIddict's application store under <see cref="ClientId"/>) and reads only <see cref="PracticeId"/>'s
/// records, read-only. Revoking it refuses its next request, not only its next token.
/// </summary>
public sealed class ConnectedSystem
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid PracticeId { get; init; }

    /// <summary>The OAuth client_id (iss and sub of its assertions), generated at registration.</summary>
    public required string ClientId { get; init; }

    public required string Name { get; set; }

    /// <summary>The scopes it may ask for, space-separated (<c>system/*.read</c>, <c>system/Patient.rs</c>, …).</summary>
    public required string Scopes { get; set; }

    /// <summary>A research system: every export it runs is de-identified, whatever it asks for.</summary>
    public bool Research { get; set; }

    public DateTime RegisteredAt { get; init; }
    public Guid? RegisteredByStaffId { get; init; }
    public DateTime? RevokedAt { get; set; }
    public Guid Version { get; set; } = Guid.NewGuid();

    public bool IsActive => RevokedAt is null;
}

/// <summary>
/// A client assertion already used (its issuer and <c>jti</c>), kept until the assertion would have expired, so the
/// same signed assertion cannot buy a second token on this or any other instance (the unique index decides).
/// </summary>
public sealed class UsedClientAssertion
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public required string Issuer { get; init; }
    public required string Jti { get; init; }
    public DateTime ExpiresAt { get; init; }
}
