using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Rapport.Clients;
using Rapport.Measures;

namespace Rapport.Alerts;

internal sealed class RiskAlertConfiguration : IEntityTypeConfiguration<RiskAlert>
{
    public void Configure(EntityTypeBuilder<RiskAlert> builder)
    {
        builder.Property(x => x.InstrumentId).HasMaxLength(64);
        builder.Property(x => x.Item).HasMaxLength(64);
        builder.Property(x => x.AnswerLabel).HasMaxLength(200);
        builder.Property(x => x.AcknowledgedByName).HasMaxLength(200);
        builder.Property(x => x.LeaseOwner).HasMaxLength(100);
        builder.Property(x => x.Version).IsConcurrencyToken();
        builder.HasIndex(x => new { x.EpisodeId, x.AcknowledgedAt });
        builder.HasIndex(x => x.ClientId);
        builder.HasOne(x => x.Episode).WithMany().HasForeignKey(x => x.EpisodeId);
        builder.HasOne<Client>().WithMany().HasForeignKey(x => x.ClientId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<MeasureResponse>().WithMany().HasForeignKey(x => x.MeasureResponseId).OnDelete(DeleteBehavior.Restrict);
    }
}
