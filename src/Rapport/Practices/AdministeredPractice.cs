using Microsoft.EntityFrameworkCore;
using Rapport.Persistence;
using Rapport.Staff;

namespace Rapport.Practices;

public static class AdministeredPractice
{
    /// <summary>
    /// The practice the viewer administers, tracked for a settings change; <c>null</c> for anyone who is not its
    /// practice admin (the caller answers "not found", as for a record out of reach).
    /// </summary>
    public static async Task<Practice?> AdministeredPracticeAsync(this RapportDb db, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var viewer = db.Viewer;
        if (!viewer.Has(StaffRoles.PracticeAdmin) || viewer.PracticeId is not { } practiceId)
        {
            return null;
        }

        return await db.Practices.FirstOrDefaultAsync(p => p.Id == practiceId, cancellationToken);
    }
}
