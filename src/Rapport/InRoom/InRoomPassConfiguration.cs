using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Rapport.Clients;
using Rapport.Episodes;
using Rapport.Staff;

namespace Rapport.InRoom;

internal sealed class InRoomPassConfiguration : IEntityTypeConfiguration<InRoomPass>
{
    public void Configure(EntityTypeBuilder<InRoomPass> builder)
    {
        builder.Property(x => x.TokenHash).HasMaxLength(64);
        builder.HasIndex(x => x.TokenHash).IsUnique();
        builder.HasOne<CareEpisode>().WithMany().HasForeignKey(x => x.EpisodeId);
        builder.HasOne<Client>().WithMany().HasForeignKey(x => x.ClientId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<StaffMember>().WithMany().HasForeignKey(x => x.StaffMemberId).OnDelete(DeleteBehavior.Restrict);
    }
}
