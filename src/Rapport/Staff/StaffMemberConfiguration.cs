using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Rapport.Practices;

namespace Rapport.Staff;

internal sealed class StaffMemberConfiguration : IEntityTypeConfiguration<StaffMember>
{
    public void Configure(EntityTypeBuilder<StaffMember> builder)
    {
        builder.Property(x => x.DisplayName).HasMaxLength(200);
        builder.Property(x => x.Email).HasMaxLength(256);
        builder.Property(x => x.Roles).HasConversion<int>();
        builder.Property(x => x.Version).IsConcurrencyToken();
        builder.HasIndex(x => new { x.PracticeId, x.Email }).IsUnique();
        builder.HasOne<Practice>().WithMany().HasForeignKey(x => x.PracticeId).OnDelete(DeleteBehavior.Restrict);
        builder.HasMany(x => x.SupervisedBy).WithOne(x => x.Supervisee).HasForeignKey(x => x.SuperviseeId);
    }
}
