using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Rapport.Practices;

namespace Rapport.Episodes;

internal sealed class CareEpisodeConfiguration : IEntityTypeConfiguration<CareEpisode>
{
    public void Configure(EntityTypeBuilder<CareEpisode> builder)
    {
        // Title: encrypted (it often names the clients), no column length.
        builder.Property(x => x.MeasurementPlan).HasMaxLength(400);
        builder.Property(x => x.Version).IsConcurrencyToken();
        builder.HasIndex(x => x.PracticeId);
        builder.HasOne<Practice>().WithMany().HasForeignKey(x => x.PracticeId).OnDelete(DeleteBehavior.Restrict);
    }
}
