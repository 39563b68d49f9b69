using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Hl7.Fhir.Serialization;
using Microsoft.EntityFrameworkCore;
using Rapport.Audit;
using Rapport.Clients;
using Rapport.Consents;
using Rapport.Persistence;

namespace Rapport.Fhir.Export;

/// <summary>
/// Runs one claimed export as the system that asked for it (its scope's viewer, so the same query filters as its
/// reads): the practice's own resources once, then the patients in keyset order, <see cref="BatchSize"/> at a time,
/// each patient's resources through the same <see cref="IFhirResources"/> the API serves. After each batch its files
/// and one Export audit entry naming the batch's patients are saved, then the job's cursor moves, on condition that this worker still
/// holds the lease; so a worker that stops leaves a cursor the next holder resumes from, and one that lost its lease
/// writes nothing more. A de-identified export starts again from the beginning instead: its key lived only in the
/// worker that stopped.
/// </summary>
[Audits(AuditedAs.ClientReads)]
public sealed class RunExport(RapportDb db, FhirCatalog catalog, TimeProvider clock)
{
    public const int BatchSize = 25;

    private static readonly JsonSerializerOptions Json = new JsonSerializerOptions().ForFhir(Hl7.Fhir.Model.ModelInfo.ModelInspector);

    /// <summary>False when the lease was lost or the export cancelled on the way (nothing more was written).</summary>
    public async Task<bool> HandleAsync(Guid jobId, string owner, CancellationToken cancellationToken)
    {
        var job = await db.ExportJobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == jobId, cancellationToken);
        if (job is null || job.LeaseOwner != owner)
        {
            return false;
        }

        var deidentifier = job.Deidentified ? new Deidentifier(RandomNumberGenerator.GetBytes(32), clock.GetUtcNow()) : null;
        var batch = job.BatchesDone;
        var cursor = job.Cursor;
        if (deidentifier is not null)
        {
            batch = 0;
            cursor = null;
        }

        // A stopped holder's files after its last committed batch (or all of a de-identified export's) are not part of the output.
        await db.ExportFiles.Where(f => f.JobId == jobId && f.Batch >= batch).ExecuteDeleteAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        if (!await StepAsync(jobId, owner, s => s
                .SetProperty(j => j.Status, ExportStatus.Running)
                .SetProperty(j => j.TransactionTime, j => j.TransactionTime ?? now)
                .SetProperty(j => j.BatchesDone, batch)
                .SetProperty(j => j.Cursor, cursor), cancellationToken))
        {
            return false;
        }

        var types = job.Types.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(catalog.Get).OfType<IFhirResources>().ToList();
        var practiceTypes = types.Where(t => !ExportPlan.IsPerPatient(t.Registration)).ToList();
        var patientTypes = types.Where(t => ExportPlan.IsPerPatient(t.Registration)).ToList();

        if (batch == 0)
        {
            var files = new Dictionary<string, StringBuilder>(StringComparer.Ordinal);
            var counts = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var resources in practiceTypes)
            {
                foreach (var item in await resources.LoadAsync(null, cancellationToken))
                {
                    Append(files, counts, item, job, deidentifier);
                }
            }

            if (!await CommitAsync(job, owner, batch, cursor, files, counts, [], cancellationToken))
            {
                return false;
            }

            batch++;
        }

        while (patientTypes.Count > 0)
        {
            var after = cursor;
            var patientsQuery = db.Clients.AsNoTracking();
            if (deidentifier is not null)
            {
                // Research use needs the client's research consent, still in force (Consent "may be included in research
                // exports"), and nobody who restricted processing or was erased.
                patientsQuery = patientsQuery.Where(Client.MayBeUsedBeyondCare)
                    .Where(c => db.Consents.Any(k => k.ClientId == c.Id && k.Kind == ConsentKind.ResearchExport && k.WithdrawnAt == null));
            }

            var patients = await patientsQuery
                .Where(c => after == null || c.Id.CompareTo(after.Value) > 0)
                .OrderBy(c => c.Id)
                .Select(c => c.Id)
                .Take(BatchSize)
                .ToListAsync(cancellationToken);
            if (patients.Count == 0)
            {
                break;
            }

            var files = new Dictionary<string, StringBuilder>(StringComparer.Ordinal);
            var counts = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var patient in patients)
            {
                foreach (var resources in patientTypes)
                {
                    foreach (var item in await resources.LoadAsync(patient, cancellationToken))
                    {
                        // A shared record (a couple's episode, a group session) is written once, under the member it is filed under.
                        if (item.ClientId is null || item.ClientId == patient)
                        {
                            Append(files, counts, item, job, deidentifier);
                        }
                    }
                }
            }

            cursor = patients[^1];
            if (!await CommitAsync(job, owner, batch, cursor, files, counts, patients, cancellationToken))
            {
                return false;
            }

            batch++;
        }

        var done = clock.GetUtcNow().UtcDateTime;
        return await StepAsync(jobId, owner, s => s
            .SetProperty(j => j.Status, ExportStatus.Completed)
            .SetProperty(j => j.CompletedAt, done)
            .SetProperty(j => j.ExpiresAt, done + StartExport.Retention)
            .SetProperty(j => j.LeaseOwner, (string?)null)
            .SetProperty(j => j.LeaseExpiresAt, (DateTime?)null), cancellationToken);
    }

    private static void Append(Dictionary<string, StringBuilder> files, Dictionary<string, int> counts, FhirItem item, ExportJob job, Deidentifier? deidentifier)
    {
        if (job.Since is { } since && (item.Resource.Meta?.LastUpdated ?? item.SortDate) is { } changed && changed.UtcDateTime < since)
        {
            return;
        }

        var line = deidentifier is null ? JsonSerializer.Serialize(item.Resource, Json) : deidentifier.Line(item, JsonSerializer.Serialize(item.Resource, Json));
        if (line is null)
        {
            return;
        }

        var type = item.Resource.TypeName;
        if (!files.TryGetValue(type, out var file))
        {
            files[type] = file = new StringBuilder();
        }

        file.Append(line).Append('\n');
        counts[type] = counts.GetValueOrDefault(type) + 1;
    }

    private async Task<bool> CommitAsync(ExportJob job, string owner, int batch, Guid? cursor, Dictionary<string, StringBuilder> files, Dictionary<string, int> counts,
        IReadOnlyList<Guid> patients, CancellationToken cancellationToken)
    {
        foreach (var (type, content) in files)
        {
            db.ExportFiles.Add(new ExportFile
            {
                JobId = job.Id,
                PracticeId = job.PracticeId,
                ConnectedSystemId = job.ConnectedSystemId,
                Type = type,
                Batch = batch,
                Count = counts[type],
                Content = content.ToString(),
            });
        }

        // One entry per batch naming its patients: each finds it in their access list.
        await db.AddAuditEntryConcerningAsync(AuditAction.Export, job.Deidentified ? "Bulk export (de-identified)" : "Bulk export", job.Id.ToString(), job.PracticeId, patients, null, cancellationToken);

        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();
        var next = batch + 1;
        var leaseUntil = clock.GetUtcNow().UtcDateTime + ExportQueue.Lease;
        return await StepAsync(job.Id, owner, s => s
            .SetProperty(j => j.BatchesDone, next)
            .SetProperty(j => j.Cursor, cursor)
            .SetProperty(j => j.LeaseExpiresAt, leaseUntil), cancellationToken);
    }

    /// <summary>One change to the job, made only while this worker holds its lease and the export was not cancelled.</summary>
    private async Task<bool> StepAsync(Guid jobId, string owner,
        Action<Microsoft.EntityFrameworkCore.Query.UpdateSettersBuilder<ExportJob>> set,
        CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return await db.ExportJobs.Where(j => j.Id == jobId && j.LeaseOwner == owner && j.LeaseExpiresAt >= now
            && (j.Status == ExportStatus.Queued || j.Status == ExportStatus.Running)).ExecuteUpdateAsync(set, cancellationToken) == 1;
    }
}
