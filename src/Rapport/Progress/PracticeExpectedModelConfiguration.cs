using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Rapport.Practices;

namespace Rapport.Progress;

internal sealed class PracticeExpectedModelConfiguration : IEntityTypeConfiguration<PracticeExpectedModel>
{
    public void Configure(EntityTypeBuilder<PracticeExpectedModel> builder)
    {
        builder.Property(x => x.InstrumentId).HasMaxLength(64);
        builder.Property(x => x.Description).HasMaxLength(1000);
        builder.Property(x => x.Version).IsConcurrencyToken();
        // One row per practice and instrument, whichever instance refits first.
        builder.HasIndex(x => new { x.PracticeId, x.InstrumentId }).IsUnique();
        builder.HasOne<Practice>().WithMany().HasForeignKey(x => x.PracticeId).OnDelete(DeleteBehavior.Restrict);
    }
}
