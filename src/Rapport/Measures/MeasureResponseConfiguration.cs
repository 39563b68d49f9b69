using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Rapport.Clients;
using Rapport.Sessions;

namespace Rapport.Measures;

internal sealed class MeasureResponseConfiguration : IEntityTypeConfiguration<MeasureResponse>
{
    public void Configure(EntityTypeBuilder<MeasureResponse> builder)
    {
        builder.Property(x => x.InstrumentId).HasMaxLength(64);
        builder.Property(x => x.AnswersJson).HasMaxLength(8000);
        builder.HasIndex(x => new { x.EpisodeId, x.ClientId, x.InstrumentId, x.SubmittedAt });
        builder.HasIndex(x => new { x.ClientId, x.SubmittedAt });
        builder.HasOne(x => x.Episode).WithMany().HasForeignKey(x => x.EpisodeId);
        builder.HasOne<Client>().WithMany().HasForeignKey(x => x.ClientId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Session>().WithMany().HasForeignKey(x => x.SessionId).OnDelete(DeleteBehavior.Restrict);
    }
}
