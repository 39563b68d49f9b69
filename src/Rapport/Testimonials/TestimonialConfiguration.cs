using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Rapport.Testimonials;

internal sealed class TestimonialConfiguration : IEntityTypeConfiguration<Testimonial>
{
    public void Configure(EntityTypeBuilder<Testimonial> builder)
    {
        builder.HasIndex(x => new { x.PracticeId, x.Status });
        builder.HasIndex(x => x.ClientId);
        builder.HasIndex(x => x.StaffMemberId);
        builder.Property(x => x.Version).IsConcurrencyToken();
    }
}

internal sealed class TestimonialInvitationConfiguration : IEntityTypeConfiguration<TestimonialInvitation>
{
    public void Configure(EntityTypeBuilder<TestimonialInvitation> builder) =>
        // One invitation per client, ever: a second request to invite finds the first.
        builder.HasIndex(x => x.ClientId).IsUnique();
}
