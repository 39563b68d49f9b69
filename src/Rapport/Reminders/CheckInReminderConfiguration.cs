using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Rapport.Clients;
using Rapport.Episodes;

namespace Rapport.Reminders;

internal sealed class CheckInReminderConfiguration : IEntityTypeConfiguration<CheckInReminder>
{
    public void Configure(EntityTypeBuilder<CheckInReminder> builder)
    {
        // The idempotency key: one reminder per client, episode and due session, whichever instance sends it.
        builder.HasIndex(x => new { x.ClientId, x.EpisodeId, x.DueFor }).IsUnique();
        builder.HasOne<Client>().WithMany().HasForeignKey(x => x.ClientId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<CareEpisode>().WithMany().HasForeignKey(x => x.EpisodeId);
    }
}
