using Microsoft.EntityFrameworkCore;
using Rapport.Audit;
using Rapport.Jobs;
using Rapport.Persistence;

namespace Rapport.Fhir.Export;

/// <summary>
/// The export worker's side that runs as the system viewer: claim the next export waiting (or whose holder's lease
/// lapsed) with <see cref="JobLease"/>, give up on one that failed too often, and delete expired exports.
/// </summary>
[NotAudited("runs as the system viewer: claims and deletes export rows; the export itself runs as the requesting system and is audited")]
public sealed class ExportQueue(RapportDb db, TimeProvider clock)
{
    public const int MaxAttempts = 3;
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    /// <summary>The claimed job and the system to run it as, or null when there is nothing to do.</summary>
    public async Task<(ExportJob Job, Systems.ConnectedSystem System)?> ClaimNextAsync(string owner, CancellationToken cancellationToken)
    {
        if (!db.Viewer.IsSystem)
        {
            throw new InvalidOperationException("The export queue runs as the system viewer.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var candidates = await db.ExportJobs.AsNoTracking()
            .Where(j => (j.Status == ExportStatus.Queued || j.Status == ExportStatus.Running) && (j.LeaseExpiresAt == null || j.LeaseExpiresAt < now))
            .OrderBy(j => j.RequestedAt)
            .Select(j => j.Id)
            .Take(5)
            .ToListAsync(cancellationToken);
        foreach (var id in candidates)
        {
            if (!await JobLease.TryClaimAsync(db.ExportJobs, id, owner, now, Lease, cancellationToken))
            {
                continue; // another instance took it first
            }

            await db.ExportJobs.Where(j => j.Id == id).ExecuteUpdateAsync(s => s.SetProperty(j => j.Attempts, j => j.Attempts + 1), cancellationToken);
            var job = await db.ExportJobs.AsNoTracking().FirstAsync(j => j.Id == id, cancellationToken);
            var system = await db.ConnectedSystems.AsNoTracking().FirstOrDefaultAsync(s => s.Id == job.ConnectedSystemId, cancellationToken);
            if (system is null || !system.IsActive)
            {
                await FailAsync(id, owner, "The system that asked for this export was revoked.", cancellationToken);
                continue;
            }

            if (job.Attempts > MaxAttempts)
            {
                await FailAsync(id, owner, $"The export failed {MaxAttempts} times.", cancellationToken);
                continue;
            }

            return (job, system);
        }

        return null;
    }

    public async Task FailAsync(Guid jobId, string owner, string error, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await db.ExportJobs.Where(j => j.Id == jobId && j.LeaseOwner == owner).ExecuteUpdateAsync(s => s
            .SetProperty(j => j.Status, ExportStatus.Failed)
            .SetProperty(j => j.Error, error)
            .SetProperty(j => j.CompletedAt, now)
            .SetProperty(j => j.ExpiresAt, now + StartExport.Retention)
            .SetProperty(j => j.LeaseOwner, (string?)null)
            .SetProperty(j => j.LeaseExpiresAt, (DateTime?)null), cancellationToken);
        await db.ExportFiles.Where(f => f.JobId == jobId).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>Deletes every export (and its files) past its retention; returns how many.</summary>
    public async Task<int> PurgeExpiredAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var expired = db.ExportJobs.Where(j => j.ExpiresAt < now).Select(j => j.Id);
        await db.ExportFiles.Where(f => expired.Contains(f.JobId)).ExecuteDeleteAsync(cancellationToken);
        return await db.ExportJobs.Where(j => j.ExpiresAt < now).ExecuteDeleteAsync(cancellationToken);
    }
}
