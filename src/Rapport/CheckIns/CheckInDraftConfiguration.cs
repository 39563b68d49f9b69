using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Rapport.Clients;
using Rapport.Episodes;

namespace Rapport.CheckIns;

internal sealed class CheckInDraftConfiguration : IEntityTypeConfiguration<CheckInDraft>
{
    public void Configure(EntityTypeBuilder<CheckInDraft> builder)
    {
        builder.Property(x => x.InstrumentId).HasMaxLength(64);
        builder.Property(x => x.AnswersJson).HasMaxLength(8000);
        builder.Property(x => x.Version).IsConcurrencyToken();
        builder.HasIndex(x => new { x.ClientId, x.EpisodeId, x.InstrumentId }).IsUnique();
        builder.HasOne<CareEpisode>().WithMany().HasForeignKey(x => x.EpisodeId);
        builder.HasOne<Client>().WithMany().HasForeignKey(x => x.ClientId).OnDelete(DeleteBehavior.Restrict);
    }
}
