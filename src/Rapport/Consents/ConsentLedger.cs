using Microsoft.EntityFrameworkCore;
using Rapport.Access;
using Rapport.Persistence;
using Rapport.Audit;

namespace Rapport.Consents;

/// <summary>Gives, withdraws and checks consents. Features that use data under a consent check it here, at the moment of use.</summary>
[Audits(AuditedAs.Writes)]
public sealed class ConsentLedger(RapportDb db, TimeProvider clock)
{
    public sealed record Entry(ConsentKind Kind, int WordingVersion, string Wording, DateTime GivenAt, DateTime? WithdrawnAt);

    /// <summary>The client's own ledger, newest first.</summary>
    public async Task<IReadOnlyList<Entry>> MineAsync(CancellationToken cancellationToken = default)
    {
        if (db.Viewer.ClientId is not { } clientId)
        {
            return [];
        }

        return await db.Consents.AsNoTracking().Where(c => c.ClientId == clientId)
            .OrderByDescending(c => c.GivenAt)
            .Select(c => new Entry(c.Kind, c.WordingVersion, c.Wording, c.GivenAt, c.WithdrawnAt))
            .ToListAsync(cancellationToken);
    }

    /// <summary>The signed-in client gives a consent with the current wording.</summary>
    public async Task<Outcome<Entry>> GiveAsync(ConsentKind kind, CancellationToken cancellationToken = default)
    {
        var viewer = db.Viewer;
        if (viewer.ClientId is not { } clientId || viewer.PracticeId is not { } practiceId || viewer.UserId is null)
        {
            return Outcome<Entry>.Missing();
        }

        if (await HasAsync(clientId, kind, cancellationToken))
        {
            return Outcome<Entry>.Invalid("Kind", "You have already given this consent.");
        }

        var (version, wording) = ConsentWording.Current(kind);
        var consent = new Consent
        {
            PracticeId = practiceId,
            ClientId = clientId,
            Kind = kind,
            WordingVersion = version,
            Wording = wording,
            GivenAt = clock.GetUtcNow().UtcDateTime,
            RecordedByUserId = viewer.UserId,
        };
        db.Consents.Add(consent);
        await db.SaveChangesAsync(cancellationToken);
        return Outcome<Entry>.Ok(new Entry(consent.Kind, consent.WordingVersion, consent.Wording, consent.GivenAt, consent.WithdrawnAt));
    }

    /// <summary>The signed-in client withdraws a consent. Takes effect at once for every later use.</summary>
    public async Task<bool> WithdrawAsync(ConsentKind kind, CancellationToken cancellationToken = default)
    {
        if (db.Viewer.ClientId is not { } clientId)
        {
            return false;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var active = await db.Consents.Where(c => c.ClientId == clientId && c.Kind == kind && c.WithdrawnAt == null).ToListAsync(cancellationToken);
        foreach (var consent in active)
        {
            consent.WithdrawnAt = now;
        }

        await db.SaveChangesAsync(cancellationToken);
        return active.Count > 0;
    }

    public Task<bool> HasAsync(Guid clientId, ConsentKind kind, CancellationToken cancellationToken = default) =>
        db.Consents.AnyAsync(c => c.ClientId == clientId && c.Kind == kind && c.WithdrawnAt == null, cancellationToken);
}
