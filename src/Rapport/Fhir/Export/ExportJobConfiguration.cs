using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Rapport.Practices;

namespace Rapport.Fhir.Export;

internal sealed class ExportJobConfiguration : IEntityTypeConfiguration<ExportJob>
{
    public void Configure(EntityTypeBuilder<ExportJob> builder)
    {
        builder.Property(x => x.RequestUrl).HasMaxLength(2000);
        builder.Property(x => x.Types).HasMaxLength(1000);
        builder.Property(x => x.Error).HasMaxLength(500);
        builder.Property(x => x.LeaseOwner).HasMaxLength(100);
        // The worker's question: what is waiting, or held by a lease that lapsed.
        builder.HasIndex(x => new { x.Status, x.LeaseExpiresAt });
        builder.HasIndex(x => x.ExpiresAt);
        builder.HasOne<Practice>().WithMany().HasForeignKey(x => x.PracticeId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Systems.ConnectedSystem>().WithMany().HasForeignKey(x => x.ConnectedSystemId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ExportFileConfiguration : IEntityTypeConfiguration<ExportFile>
{
    public void Configure(EntityTypeBuilder<ExportFile> builder)
    {
        builder.Property(x => x.Type).HasMaxLength(64);
        builder.HasIndex(x => new { x.JobId, x.Batch });
        builder.HasOne<ExportJob>().WithMany().HasForeignKey(x => x.JobId).OnDelete(DeleteBehavior.Cascade);
    }
}
