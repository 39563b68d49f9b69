using Microsoft.EntityFrameworkCore;
using Rapport.Access;
using Rapport.Audit;
using Rapport.Consents;
using Rapport.Episodes;
using Rapport.Listening.Transcripts;
using Rapport.Persistence;
using Rapport.Sessions;
using Rapport.Staff;

namespace Rapport.Listening;

/// <summary>
/// A therapist uploads a transcript of one of their sessions. It is checked completely (format, encoding, size,
/// speakers; errors carry line numbers) and stored only if every client in the session has consented to
/// transcript analysis. Nothing is stored when any check fails.
/// </summary>
[Audits(AuditedAs.Writes)]
public sealed class UploadTranscript(RapportDb db, TranscriptAnalysisQueue queue, ConsentLedger consents, TimeProvider clock)
{
    /// <summary>The upload, queued for analysis.</summary>
    public sealed record Uploaded(Guid Id, string FileName, TranscriptStatus Status);

    public sealed record SessionChoice(Guid SessionId, Guid EpisodeId, string EpisodeTitle, int Number, DateTime StartsAt, IReadOnlyList<string> ClientsWithoutConsent);

    /// <summary>The session, if the viewer treats it, with the clients who have not consented.</summary>
    public async Task<SessionChoice?> SessionAsync(Guid sessionId, CancellationToken cancellationToken = default)
    {
        var staffId = db.Viewer.StaffMemberId;
        if (staffId is null || !db.Viewer.Has(StaffRoles.Therapist))
        {
            return null;
        }

        var session = await db.Sessions.AsNoTracking()
            .WhereViewerIsOnCareTeam(db.Viewer)
            .Where(s => s.Id == sessionId)
            .Select(s => new { s.Id, s.EpisodeId, s.Episode!.Title, s.Number, s.StartsAt, Members = s.Episode.Members.Select(m => m.ClientId).ToList() })
            .FirstOrDefaultAsync(cancellationToken);
        if (session is null)
        {
            return null;
        }

        var missing = new List<string>();
        foreach (var clientId in session.Members)
        {
            // A client who restricted processing (GDPR Art. 18) counts as not consenting, whatever the ledger says.
            var client = await db.Clients.Where(c => c.Id == clientId).Select(c => new { c.DisplayName, c.ProcessingRestricted }).FirstAsync(cancellationToken);
            if (client.ProcessingRestricted || !await consents.HasAsync(clientId, ConsentKind.TranscriptAnalysis, cancellationToken))
            {
                missing.Add(client.DisplayName);
            }
        }

        return new SessionChoice(session.Id, session.EpisodeId, session.Title, session.Number, session.StartsAt, missing);
    }

    public async Task<Outcome<UploadTranscript.Uploaded>> HandleAsync(Guid sessionId, string fileName, Stream content, string? therapistSpeaker, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var session = await SessionAsync(sessionId, cancellationToken);
        if (session is null || db.Viewer.PracticeId is not { } practiceId || db.Viewer.StaffMemberId is not { } staffId)
        {
            return Outcome<UploadTranscript.Uploaded>.Missing();
        }

        if (session.ClientsWithoutConsent.Count > 0)
        {
            return Outcome<UploadTranscript.Uploaded>.Invalid("File", $"Analysis needs the consent of everyone in the session. Not yet given by: {string.Join(", ", session.ClientsWithoutConsent)}.");
        }

        // Only the base name, never a client-supplied path.
        var name = Path.GetFileName(fileName.Replace('\\', '/'));
        var format = TranscriptParser.FormatFromFileName(name);
        var limits = TranscriptLimits.Default;
        using var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, cancellationToken);
        if (buffer.Length > limits.MaxBytes)
        {
            return Outcome<UploadTranscript.Uploaded>.Invalid("File", $"The file is larger than {limits.MaxBytes / (1024 * 1024)} MB.");
        }

        var (text, decodeError) = TextDecoding.Decode(buffer.ToArray());
        if (text is null)
        {
            return Outcome<UploadTranscript.Uploaded>.Invalid("File", $"Line {decodeError!.Line}: {decodeError.Message}");
        }

        var speaker = string.IsNullOrWhiteSpace(therapistSpeaker) ? null : therapistSpeaker.Trim();
        var parsed = TranscriptParser.Parse(text, format, new SpeakerMapping(speaker), limits);
        if (!parsed.Succeeded)
        {
            return Outcome<UploadTranscript.Uploaded>.Invalid("File", string.Join(" ", parsed.Errors.Take(5).Select(e => $"Line {e.Line}: {e.Message}")));
        }

        var transcript = new SessionTranscript
        {
            PracticeId = practiceId,
            EpisodeId = session.EpisodeId,
            SessionId = session.SessionId,
            TherapistId = staffId,
            FileName = name.Length > 200 ? name[..200] : name,
            Format = format.ToString(),
            TherapistSpeaker = speaker,
            UploadedAt = clock.GetUtcNow().UtcDateTime,
            Status = TranscriptStatus.Queued,
            Content = text,
        };
        db.SessionTranscripts.Add(transcript);
        await new AuditTrail(db).AddAsync(AuditAction.Create, nameof(SessionTranscript), transcript.Id.ToString(), practiceId,
            await ListeningReviews.TranscriptSubjectsAsync(db, transcript.EpisodeId, cancellationToken), "Transcript uploaded", cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        queue.Enqueue(transcript.Id);
        return Outcome<Uploaded>.Ok(new Uploaded(transcript.Id, transcript.FileName, transcript.Status));
    }
}
