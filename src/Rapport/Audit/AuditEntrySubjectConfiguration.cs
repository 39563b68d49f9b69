using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Rapport.Practices;

namespace Rapport.Audit;

internal sealed class AuditEntrySubjectConfiguration : IEntityTypeConfiguration<AuditEntrySubject>
{
    public void Configure(EntityTypeBuilder<AuditEntrySubject> builder)
    {
        // Keyed for the access list: one client's entries, newest first.
        builder.HasKey(x => new { x.ClientId, x.PracticeId, x.Sequence });
    }
}

internal sealed class AuditSubjectWatermarkConfiguration : IEntityTypeConfiguration<AuditSubjectWatermark>
{
    public void Configure(EntityTypeBuilder<AuditSubjectWatermark> builder)
    {
        builder.HasKey(x => x.PracticeId);
        builder.HasOne<Practice>().WithMany().HasForeignKey(x => x.PracticeId).OnDelete(DeleteBehavior.Restrict);
    }
}
