using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Rapport.Practices;

internal sealed class PracticeConfiguration : IEntityTypeConfiguration<Practice>
{
    public void Configure(EntityTypeBuilder<Practice> builder)
    {
        builder.Property(x => x.Name).HasMaxLength(200);
        builder.Property(x => x.Slug).HasMaxLength(80);
        builder.Property(x => x.TimeZone).HasMaxLength(64);
        builder.Property(x => x.CrisisText).HasMaxLength(1000);
        builder.Property(x => x.OnCallEmail).HasMaxLength(256);
        builder.Property(x => x.MeasurementPlan).HasMaxLength(400);
        builder.HasIndex(x => x.Slug).IsUnique();
        builder.Property(x => x.Version).IsConcurrencyToken();
    }
}
