using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Rapport.Practices;

namespace Rapport.Audit;

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> builder)
    {
        builder.Property(x => x.UserId).HasMaxLength(450);
        builder.Property(x => x.ActorName).HasMaxLength(200);
        builder.Property(x => x.ActorRole).HasMaxLength(64);
        builder.Property(x => x.RecordType).HasMaxLength(64);
        builder.Property(x => x.RecordId).HasMaxLength(64);
        builder.Property(x => x.IpAddress).HasMaxLength(AuditContext.MaxIpLength);
        builder.Property(x => x.UserAgent).HasMaxLength(AuditContext.MaxUserAgentLength);
        builder.Property(x => x.Reason).HasMaxLength(AuditContext.MaxReasonLength);
        builder.Property(x => x.PreviousHash).HasMaxLength(64);
        builder.Property(x => x.Hash).HasMaxLength(64);
        // The chain's serialisation point: two concurrent appends cannot both take the same sequence number.
        builder.HasIndex(x => new { x.PracticeId, x.Sequence }).IsUnique();
        builder.HasIndex(x => new { x.ClientId, x.At });
        builder.HasOne<Practice>().WithMany().HasForeignKey(x => x.PracticeId).OnDelete(DeleteBehavior.Restrict);
    }
}
