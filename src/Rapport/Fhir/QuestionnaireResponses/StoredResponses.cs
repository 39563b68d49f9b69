using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Rapport.Episodes;
using Rapport.Measures;
using Rapport.Persistence;

namespace Rapport.Fhir.QuestionnaireResponses;

/// <summary>The stored responses the viewer may see (the MeasureResponse filters: the member's own and their care team's).</summary>
internal static class StoredResponses
{
    public static async Task<List<MeasureResponse>> LoadAsync(RapportDb db, Guid? patientId, Guid? responseId, CancellationToken cancellationToken)
    {
        var query = db.MeasureResponses.AsNoTracking();
        if (patientId is { } p)
        {
            query = query.Where(r => r.ClientId == p);
        }

        if (responseId is { } id)
        {
            query = query.Where(r => r.Id == id);
        }

        // A search across the caseload by a clinician (not an admin, whom break-glass may widen; not a connected system,
        // which reads the practice): start from the caseload's episodes, which is all the filter lets them see anyway.
        if (patientId is null && responseId is null && db.Viewer is { IsStaff: true, IsSystem: false, IsConnectedSystem: false } viewer
            && !viewer.Has(global::Rapport.Staff.StaffRoles.PracticeAdmin))
        {
            var episodes = await db.CaseloadEpisodeIdsAsync(cancellationToken);
            query = query.Where(r => episodes.Contains(r.EpisodeId));
        }

        return await query.ToListAsync(cancellationToken);
    }

    public static Dictionary<string, int?> Answers(MeasureResponse response) =>
        JsonSerializer.Deserialize<Dictionary<string, int?>>(response.AnswersJson) ?? [];

    /// <summary>The response id an Observation id starts with ("{response}", "{response}-total", "{response}-{linkId}").</summary>
    public static Guid? ResponseIdOf(string id) =>
        id.Length >= 36 && Guid.TryParse(id.AsSpan(0, 36), out var guid) ? guid : null;
}
