using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Rapport.Audit;
using Rapport.Clients;
using Rapport.Consents;
using Rapport.Episodes;
using Rapport.Persistence;
using Rapport.Sessions;

namespace Rapport.MyCare;

/// <summary>
/// The client's own copy of their record (GDPR Art. 15 right of access, Art. 20 portability): everything Rapport
/// holds about them and that they gave, as a readable page and a machine-readable JSON file. Nothing about any
/// other person: a partner's or group member's answers never pass the query filters, and other members are not named.
/// </summary>
[Audits(AuditedAs.ClientReads)]
public sealed class ExportMyRecord(RapportDb db, TimeProvider clock)
{
    public sealed record Export(
        string Format,
        DateTime ExportedAt,
        Person Client,
        IReadOnlyList<EpisodeExport> Episodes,
        IReadOnlyList<ConsentExport> Consents,
        IReadOnlyList<NoteExport> Notes,
        IReadOnlyList<GoalExport> Goals);

    public sealed record Person(string DisplayName, string? Email, DateOnly? DateOfBirth);

    public sealed record EpisodeExport(
        EpisodeFormat Format,
        EpisodeStatus Status,
        DateOnly StartedOn,
        DateOnly? EndedOn,
        IReadOnlyList<string> Therapists,
        IReadOnlyList<SessionExport> Sessions,
        IReadOnlyList<AnswerExport> Answers);

    public sealed record SessionExport(int Number, DateTime StartsAt, int DurationMinutes, SessionSetting Setting, SessionStatus Status);

    public sealed record AnswerExport(string Instrument, DateTime SubmittedAt, int? Total, IReadOnlyDictionary<string, int?> Items);

    public sealed record NoteExport(string Text, DateTime WrittenAt, DateTime? ReadByTherapistAt);

    public sealed record GoalExport(string Text, Goals.GoalStatus Status, DateTime SetAt, DateTime? ClosedAt);

    public sealed record ConsentExport(ConsentKind Kind, int WordingVersion, string Wording, DateTime GivenAt, DateTime? WithdrawnAt);

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    public async Task<Export?> HandleAsync(CancellationToken cancellationToken = default)
    {
        if (db.Viewer.ClientId is not { } clientId)
        {
            return null;
        }

        var me = await db.Clients.AsNoTracking().FirstOrDefaultAsync(c => c.Id == clientId, cancellationToken);
        if (me is null)
        {
            return null;
        }

        // Only sessions of their own episodes, each as this client lived it; attendee lists are not exported.
        var episodes = (await ClientEpisodes.LoadAsync(db, clientId, cancellationToken)).OrderBy(e => e.StartedOn).ToList();
        var answers = await db.MeasureResponses.AsNoTracking()
            .Where(r => r.ClientId == clientId)
            .OrderBy(r => r.SubmittedAt)
            .Select(r => new { r.EpisodeId, r.InstrumentId, r.SubmittedAt, r.Total, r.AnswersJson })
            .ToListAsync(cancellationToken);
        var consents = await db.Consents.AsNoTracking()
            .Where(c => c.ClientId == clientId)
            .OrderBy(c => c.GivenAt)
            .Select(c => new ConsentExport(c.Kind, c.WordingVersion, c.Wording, c.GivenAt, c.WithdrawnAt))
            .ToListAsync(cancellationToken);

        // The client's own words: their notes and goals (the filters and the explicit ClientId keep a partner's out).
        var notes = await db.ClientNotes.AsNoTracking().Where(n => n.ClientId == clientId).OrderBy(n => n.WrittenAt)
            .Select(n => new NoteExport(n.Text, n.WrittenAt, n.ReadAt)).ToListAsync(cancellationToken);
        var goals = await db.ClientGoals.AsNoTracking().Where(g => g.ClientId == clientId).OrderBy(g => g.SetAt)
            .Select(g => new GoalExport(g.Text, g.Status, g.SetAt, g.ClosedAt)).ToListAsync(cancellationToken);

        await new AuditTrail(db).RecordAsync(AuditAction.Export, nameof(Client), me.Id, me.PracticeId, me.Id, cancellationToken: cancellationToken);
        return new Export(
            "rapport-client-export/1",
            clock.GetUtcNow().UtcDateTime,
            new Person(me.DisplayName, me.Email, me.DateOfBirth),
            [.. episodes.Select(e => new EpisodeExport(e.Format, e.Status, e.StartedOn, e.EndedOn, e.Therapists,
                [.. e.Sessions.Select(s => new SessionExport(s.Number, s.StartsAt, s.DurationMinutes, s.Setting, s.MemberStatus))],
                [.. answers.Where(a => a.EpisodeId == e.Id).Select(a => new AnswerExport(a.InstrumentId, a.SubmittedAt, a.Total,
                    JsonSerializer.Deserialize<Dictionary<string, int?>>(a.AnswersJson) ?? []))]))],
            consents,
            notes,
            goals);
    }
}
