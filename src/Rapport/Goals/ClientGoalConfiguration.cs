using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Rapport.Clients;

namespace Rapport.Goals;

internal sealed class ClientGoalConfiguration : IEntityTypeConfiguration<ClientGoal>
{
    public void Configure(EntityTypeBuilder<ClientGoal> builder)
    {
        // No column length on Text: encrypted (SetGoal enforces ClientGoal.MaxLength).
        builder.Property(x => x.Version).IsConcurrencyToken();
        builder.HasIndex(x => new { x.ClientId, x.EpisodeId });
        builder.HasIndex(x => x.EpisodeId);
        builder.HasOne(x => x.Episode).WithMany().HasForeignKey(x => x.EpisodeId);
        builder.HasOne<Client>().WithMany().HasForeignKey(x => x.ClientId).OnDelete(DeleteBehavior.Restrict);
    }
}
