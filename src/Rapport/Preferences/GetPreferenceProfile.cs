using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Rapport.Clinical.Instruments;
using Rapport.Clinical.Preferences;
using Rapport.Persistence;
using Rapport.Audit;

namespace Rapport.Preferences;

/// <summary>A client's latest C-NIP answers in plain words (<see cref="PreferenceProfile"/>), and when they gave them.</summary>
public sealed record PreferenceView(DateTime AnsweredAt, IReadOnlyList<PreferenceScale> Scales);

/// <summary>
/// The preference profile from the client's most recent C-NIP. The relationship filters decide whose answers the viewer
/// may read: the client's own, or their care team's; never a partner's or group member's.
/// </summary>
[Audits(AuditedAs.PartOfClientRecord)]
public sealed class GetPreferenceProfile(RapportDb db)
{
    /// <summary>The signed-in client's own profile; with <paramref name="since"/>, only from a C-NIP given since then (the end of a check-in).</summary>
    public Task<PreferenceView?> MineAsync(DateTime? since = null, CancellationToken cancellationToken = default) =>
        db.Viewer.ClientId is { } me ? HandleAsync(me, null, since, cancellationToken) : Task.FromResult<PreferenceView?>(null);

    public async Task<PreferenceView?> HandleAsync(Guid clientId, Guid? episodeId = null, DateTime? since = null, CancellationToken cancellationToken = default)
    {
        if (!db.Viewer.IsStaff && db.Viewer.ClientId != clientId)
        {
            return null;
        }

        var latest = await db.MeasureResponses.AsNoTracking()
            .Where(r => r.ClientId == clientId && r.InstrumentId == InstrumentCatalog.CNipId
                && (episodeId == null || r.EpisodeId == episodeId) && (since == null || r.SubmittedAt >= since))
            .OrderByDescending(r => r.SubmittedAt)
            .Select(r => new { r.SubmittedAt, r.AnswersJson })
            .FirstOrDefaultAsync(cancellationToken);
        if (latest is null)
        {
            return null;
        }

        var answers = JsonSerializer.Deserialize<Dictionary<string, int?>>(latest.AnswersJson) ?? [];
        return new PreferenceView(latest.SubmittedAt, PreferenceProfile.Describe(InstrumentCatalog.Get(InstrumentCatalog.CNipId), answers));
    }
}
