using Microsoft.EntityFrameworkCore;
using Rapport.Practices;
using Rapport.Progress;

namespace Rapport.Persistence;

public sealed partial class RapportDb
{
    private void ConfigureExpectedModels(ModelBuilder builder) => builder.Entity<PracticeExpectedModel>(m =>
    {
        m.Property(x => x.InstrumentId).HasMaxLength(64);
        m.Property(x => x.Description).HasMaxLength(1000);
        m.Property(x => x.Version).IsConcurrencyToken();
        // One row per practice and instrument, whichever instance refits first.
        m.HasIndex(x => new { x.PracticeId, x.InstrumentId }).IsUnique();
        m.HasOne<Practice>().WithMany().HasForeignKey(x => x.PracticeId).OnDelete(DeleteBehavior.Restrict);
        m.HasQueryFilter(RapportFilters.Tenant, x => ViewerIsSystem || x.PracticeId == ViewerPracticeId);
    });
}
