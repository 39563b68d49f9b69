using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Rapport.Sessions;
using Rapport.Staff;

namespace Rapport.Listening;

internal sealed class SessionTranscriptConfiguration : IEntityTypeConfiguration<SessionTranscript>
{
    public void Configure(EntityTypeBuilder<SessionTranscript> builder)
    {
        // FileName: encrypted, no column length.
        builder.Property(x => x.Format).HasMaxLength(32);
        builder.Property(x => x.TherapistSpeaker).HasMaxLength(200);
        builder.Property(x => x.Error).HasMaxLength(2000);
        builder.Property(x => x.LeaseOwner).HasMaxLength(100);
        builder.Property(x => x.Version).IsConcurrencyToken();
        builder.HasIndex(x => new { x.TherapistId, x.UploadedAt });
        builder.HasIndex(x => x.SessionId);
        builder.HasOne(x => x.Episode).WithMany().HasForeignKey(x => x.EpisodeId);
        builder.HasOne<Session>().WithMany().HasForeignKey(x => x.SessionId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<StaffMember>().WithMany().HasForeignKey(x => x.TherapistId).OnDelete(DeleteBehavior.Restrict);
    }
}
