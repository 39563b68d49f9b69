using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using Rapport.Access;
using Rapport.Audit;
using Rapport.Fhir;
using Rapport.Persistence;
using Rapport.Practices;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Rapport.Systems;

/// <summary>
/// A practice admin registers a system that may read the practice's records: its name, its public JWKS, the scopes it
/// may ask for, and whether it is a research system (its exports are always de-identified). The system row and its
/// OAuth client (OpenIddict's application, holding the keys) are saved together, and the change is audited.
/// </summary>
[Audits(AuditedAs.Writes)]
public sealed class RegisterConnectedSystem(RapportDb db, IOpenIddictApplicationManager applications, FhirCatalog catalog, TimeProvider clock)
{
    public async Task<Outcome<ConnectedSystemView>> HandleAsync(ConnectedSystemForm form, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(form);
        var practice = await db.AdministeredPracticeAsync(cancellationToken);
        if (practice is null)
        {
            return Outcome<ConnectedSystemView>.Missing();
        }

        var errors = new Dictionary<string, string>();
        var name = form.Name?.Trim() ?? "";
        if (name.Length == 0)
        {
            errors[nameof(form.Name)] = "Enter the system's name (who runs it and what for).";
        }
        else if (name.Length > ConnectedSystemForm.MaxNameLength)
        {
            errors[nameof(form.Name)] = $"Keep the name to {ConnectedSystemForm.MaxNameLength} characters.";
        }

        var keys = PublicKeySet.Parse(form.Jwks, out var keyError);
        if (keyError is not null)
        {
            errors[nameof(form.Jwks)] = keyError;
        }

        var scopes = SystemScopes.Split(string.IsNullOrWhiteSpace(form.Scopes) ? SystemScopes.AllRead : form.Scopes);
        var types = catalog.All.Select(r => r.Registration.Type).ToList();
        if (scopes.FirstOrDefault(s => SystemScopes.TypeOf(s, types) is null) is { } unknown)
        {
            errors[nameof(form.Scopes)] = $"\"{unknown}\" is not a scope Rapport grants: use read scopes such as system/*.read or system/Patient.read.";
        }

        if (errors.Count > 0)
        {
            return Outcome<ConnectedSystemView>.Invalid(errors);
        }

        var system = new ConnectedSystem
        {
            PracticeId = practice.Id,
            ClientId = "sys-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)),
            Name = name,
            Scopes = string.Join(' ', scopes),
            Research = form.Research,
            RegisteredAt = clock.GetUtcNow().UtcDateTime,
            RegisteredByStaffId = db.Viewer.StaffMemberId,
        };
        db.Add(system);

        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = system.ClientId,
            DisplayName = name,
            ClientType = ClientTypes.Confidential,
            JsonWebKeySet = keys,
            Permissions = { Permissions.Endpoints.Token, Permissions.GrantTypes.ClientCredentials },
        };
        foreach (var scope in scopes)
        {
            descriptor.Permissions.Add(Permissions.Prefixes.Scope + scope);
        }

        // The application store saves through this same RapportDb: the system row and its client are one SaveChanges.
        await applications.CreateAsync(descriptor, cancellationToken);
        return Outcome<ConnectedSystemView>.Ok(ListConnectedSystems.View(system));
    }
}

/// <summary>
/// Revoking a system: its OAuth client is deleted (no new token) and the row marked revoked, which every request with
/// a token it already holds checks, so its next request is refused at once.
/// </summary>
[Audits(AuditedAs.Writes)]
public sealed class RevokeConnectedSystem(RapportDb db, IOpenIddictApplicationManager applications, TimeProvider clock)
{
    public async Task<Outcome<ConnectedSystemView>> HandleAsync(Guid systemId, CancellationToken cancellationToken = default)
    {
        var practice = await db.AdministeredPracticeAsync(cancellationToken);
        var system = practice is null ? null : await db.ConnectedSystems.FirstOrDefaultAsync(s => s.Id == systemId && s.PracticeId == practice.Id, cancellationToken);
        if (system is null)
        {
            return Outcome<ConnectedSystemView>.Missing();
        }

        if (system.RevokedAt is null)
        {
            system.RevokedAt = clock.GetUtcNow().UtcDateTime;
            if (await applications.FindByClientIdAsync(system.ClientId, cancellationToken) is { } application)
            {
                // Deleting the application saves through the same context, so the revocation is in the same save.
                await applications.DeleteAsync(application, cancellationToken);
            }
            else
            {
                await db.SaveChangesAsync(cancellationToken);
            }
        }

        return Outcome<ConnectedSystemView>.Ok(ListConnectedSystems.View(system));
    }
}

/// <summary>The practice's connected systems, for its admin.</summary>
[NotAudited("lists registered systems (names, scopes, dates) for the practice admin; no clinical data")]
public sealed class ListConnectedSystems(RapportDb db)
{
    public async Task<IReadOnlyList<ConnectedSystemView>?> HandleAsync(CancellationToken cancellationToken = default)
    {
        var practice = await db.AdministeredPracticeAsync(cancellationToken);
        if (practice is null)
        {
            return null;
        }

        var systems = await db.ConnectedSystems.AsNoTracking().Where(s => s.PracticeId == practice.Id)
            .OrderBy(s => s.RevokedAt != null).ThenBy(s => s.Name).ToListAsync(cancellationToken);
        return [.. systems.Select(View)];
    }

    internal static ConnectedSystemView View(ConnectedSystem s) =>
        new(s.Id, s.Name, s.ClientId, SystemScopes.Split(s.Scopes), s.Research, s.RegisteredAt, s.RevokedAt);
}
