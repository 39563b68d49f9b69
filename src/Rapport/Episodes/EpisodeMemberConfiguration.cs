using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Rapport.Clients;

namespace Rapport.Episodes;

internal sealed class EpisodeMemberConfiguration : IEntityTypeConfiguration<EpisodeMember>
{
    public void Configure(EntityTypeBuilder<EpisodeMember> builder)
    {
        builder.HasKey(x => new { x.EpisodeId, x.ClientId });
        builder.HasIndex(x => x.ClientId);
        builder.HasOne(x => x.Episode).WithMany(x => x.Members).HasForeignKey(x => x.EpisodeId);
        builder.HasOne(x => x.Client).WithMany(x => x.Memberships).HasForeignKey(x => x.ClientId).OnDelete(DeleteBehavior.Restrict);
    }
}
