using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Rapport.Practices;

namespace Rapport.Invitations;

internal sealed class InvitationConfiguration : IEntityTypeConfiguration<Invitation>
{
    public void Configure(EntityTypeBuilder<Invitation> builder)
    {
        builder.Property(x => x.Email).HasMaxLength(256);
        builder.Property(x => x.TokenHash).HasMaxLength(64);
        builder.Property(x => x.InvitedByUserId).HasMaxLength(450);
        builder.Property(x => x.Roles).HasConversion<int>();
        builder.Property(x => x.Version).IsConcurrencyToken();
        builder.HasIndex(x => x.TokenHash).IsUnique();
        builder.HasOne<Practice>().WithMany().HasForeignKey(x => x.PracticeId).OnDelete(DeleteBehavior.Restrict);
    }
}
