using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Rapport.Sessions;

internal sealed class SessionConfiguration : IEntityTypeConfiguration<Session>
{
    public void Configure(EntityTypeBuilder<Session> builder)
    {
        builder.Property(x => x.Version).IsConcurrencyToken();
        builder.HasIndex(x => new { x.EpisodeId, x.StartsAt });
        builder.HasOne(x => x.Episode).WithMany(x => x.Sessions).HasForeignKey(x => x.EpisodeId);
        builder.HasMany(x => x.Attendees).WithOne().HasForeignKey(x => x.SessionId);
    }
}
