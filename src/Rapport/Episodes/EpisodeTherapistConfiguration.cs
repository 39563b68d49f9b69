using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Rapport.Staff;

namespace Rapport.Episodes;

internal sealed class EpisodeTherapistConfiguration : IEntityTypeConfiguration<EpisodeTherapist>
{
    public void Configure(EntityTypeBuilder<EpisodeTherapist> builder)
    {
        builder.HasKey(x => new { x.EpisodeId, x.StaffMemberId });
        builder.HasIndex(x => x.StaffMemberId);
        builder.HasOne(x => x.Episode).WithMany(x => x.CareTeam).HasForeignKey(x => x.EpisodeId);
        builder.HasOne(x => x.StaffMember).WithMany().HasForeignKey(x => x.StaffMemberId).OnDelete(DeleteBehavior.Restrict);
    }
}
