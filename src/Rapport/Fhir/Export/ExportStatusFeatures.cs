using Microsoft.EntityFrameworkCore;
using Rapport.Audit;
using Rapport.Persistence;

namespace Rapport.Fhir.Export;

/// <summary>An export's status for its requester: the job and, once complete, its files. Another system finds nothing (the query filter).</summary>
[NotAudited("the status and file list of the requester's own export; the files' content is audited as the export")]
public sealed class GetExportStatus(RapportDb db)
{
    public sealed record Status(ExportJob Job, IReadOnlyList<ExportManifestFile> Files);

    public async Task<Status?> HandleAsync(Guid jobId, CancellationToken cancellationToken)
    {
        var job = await db.ExportJobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == jobId, cancellationToken);
        if (job is null)
        {
            return null;
        }

        var files = job.Status == ExportStatus.Completed
            ? await db.ExportFiles.AsNoTracking().Where(f => f.JobId == jobId).OrderBy(f => f.Type).ThenBy(f => f.Batch)
                .Select(f => new ExportManifestFile(f.Id, f.Type, f.Count)).ToListAsync(cancellationToken)
            : [];
        return new Status(job, files);
    }
}

/// <summary>DELETE on the status URL: the export stops and its files are deleted at once; the status URL is then 404.</summary>
[NotAudited("deletes the requester's own export and its output; no clinical record changes")]
public sealed class CancelExport(RapportDb db)
{
    public async Task<bool> HandleAsync(Guid jobId, CancellationToken cancellationToken)
    {
        if (!await db.ExportJobs.AnyAsync(j => j.Id == jobId, cancellationToken))
        {
            return false;
        }

        // A worker still running it finds its next conditional step fails (the row is gone) and stops.
        await db.ExportFiles.Where(f => f.JobId == jobId).ExecuteDeleteAsync(cancellationToken);
        await db.ExportJobs.Where(j => j.Id == jobId).ExecuteDeleteAsync(cancellationToken);
        return true;
    }
}

/// <summary>One NDJSON file of a completed export, for its requester only (another system, or no token, gets nothing).</summary>
[NotAudited("the requester's own export output; each patient in it was audited as an Export when the export read them")]
public sealed class ReadExportFile(RapportDb db)
{
    public async Task<string?> HandleAsync(Guid fileId, CancellationToken cancellationToken)
    {
        var file = await db.ExportFiles.AsNoTracking()
            .Where(f => f.Id == fileId && db.ExportJobs.Any(j => j.Id == f.JobId && j.Status == ExportStatus.Completed))
            .Select(f => new { f.Content, f.Type })
            .FirstOrDefaultAsync(cancellationToken);
        // The token that downloads must still hold the type's scope: narrowing a system's scopes closes its old files too.
        return file is not null && Systems.SystemScopes.Allows(db.Viewer.Scopes, file.Type) ? file.Content : null;
    }
}
