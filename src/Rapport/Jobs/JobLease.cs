using Microsoft.EntityFrameworkCore;

namespace Rapport.Jobs;

/// <summary>A row of background work that one worker at a time holds, for a while, by a lease.</summary>
public interface ILeasedJob
{
    Guid Id { get; }

    /// <summary>Which worker holds it (an instance-and-process name), or null when nobody has claimed it.</summary>
    string? LeaseOwner { get; set; }

    /// <summary>When the holder's claim lapses: after this any worker may claim it again (the holder stopped or crashed).</summary>
    DateTime? LeaseExpiresAt { get; set; }
}

/// <summary>
/// Claiming a job row so it runs once across every app instance, and again after a crash: one conditional UPDATE
/// ("take it if nobody holds it, or the holder's lease has lapsed") whose affected-row count says who won. It needs no
/// lock table and no transaction and works the same on SQLite and PostgreSQL. A holder renews its lease while it works
/// (<see cref="RenewAsync{T}"/>), and every step it commits is conditional on still holding it, so a worker that lost
/// its lease (paused past expiry) cannot overwrite the new holder's progress. The Bulk Data export is the first user;
/// every background job that must run once per row uses this (docs/architecture.md).
/// </summary>
public static class JobLease
{
    /// <summary>Takes the lease on <paramref name="id"/> if it is free or lapsed; true when this worker now holds it.</summary>
    public static async Task<bool> TryClaimAsync<T>(IQueryable<T> jobs, Guid id, string owner, DateTime now, TimeSpan length, CancellationToken cancellationToken)
        where T : class, ILeasedJob
    {
        ArgumentNullException.ThrowIfNull(jobs);
        var until = now + length;
        var claimed = await jobs
            .Where(j => j.Id == id && (j.LeaseExpiresAt == null || j.LeaseExpiresAt < now))
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.LeaseOwner, owner).SetProperty(j => j.LeaseExpiresAt, until), cancellationToken);
        return claimed == 1;
    }

    /// <summary>Extends the lease, only while <paramref name="owner"/> still holds it; false when it was lost.</summary>
    public static async Task<bool> RenewAsync<T>(IQueryable<T> jobs, Guid id, string owner, DateTime now, TimeSpan length, CancellationToken cancellationToken)
        where T : class, ILeasedJob
    {
        ArgumentNullException.ThrowIfNull(jobs);
        var until = now + length;
        var renewed = await jobs
            .Where(j => j.Id == id && j.LeaseOwner == owner && j.LeaseExpiresAt >= now)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.LeaseExpiresAt, until), cancellationToken);
        return renewed == 1;
    }

    /// <summary>Gives the lease up (the work is finished or failed), so nobody waits for it to lapse.</summary>
    public static Task<int> ReleaseAsync<T>(IQueryable<T> jobs, Guid id, string owner, CancellationToken cancellationToken)
        where T : class, ILeasedJob
    {
        ArgumentNullException.ThrowIfNull(jobs);
        return jobs.Where(j => j.Id == id && j.LeaseOwner == owner)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.LeaseOwner, (string?)null).SetProperty(j => j.LeaseExpiresAt, (DateTime?)null), cancellationToken);
    }

    /// <summary>A name for this worker: the machine, the process and a random part (two hosts in one process differ).</summary>
    public static string NewOwner()
    {
        var owner = $"{Guid.NewGuid():N}@{Environment.MachineName}/{Environment.ProcessId}";
        return owner.Length <= 100 ? owner : owner[..100];
    }
}
