using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Rapport.Matching;

internal sealed class TherapistProfileConfiguration : IEntityTypeConfiguration<TherapistProfile>
{
    public void Configure(EntityTypeBuilder<TherapistProfile> builder)
    {
        // One profile per therapist: a second send updates the first.
        builder.HasIndex(x => x.StaffMemberId).IsUnique();
        builder.HasIndex(x => new { x.PracticeId, x.PublishedAt });
        builder.Property(x => x.Version).IsConcurrencyToken();
    }
}

internal sealed class MatchReferralConfiguration : IEntityTypeConfiguration<MatchReferral>
{
    public void Configure(EntityTypeBuilder<MatchReferral> builder)
    {
        builder.HasIndex(x => new { x.PracticeId, x.CreatedAt });
        builder.HasIndex(x => x.StaffMemberId);
        builder.Property(x => x.ConcernIds).HasMaxLength(400);
        builder.Property(x => x.ConsentWording).HasMaxLength(1000);
    }
}
