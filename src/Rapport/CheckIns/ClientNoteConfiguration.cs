using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Rapport.Clients;

namespace Rapport.CheckIns;

internal sealed class ClientNoteConfiguration : IEntityTypeConfiguration<ClientNote>
{
    public void Configure(EntityTypeBuilder<ClientNote> builder)
    {
        // No column length: the encrypted value is longer than the text (LeaveNote enforces ClientNote.MaxLength).
        builder.HasIndex(x => new { x.EpisodeId, x.WrittenAt });
        builder.HasIndex(x => x.ClientId);
        builder.HasOne(x => x.Episode).WithMany().HasForeignKey(x => x.EpisodeId);
        builder.HasOne<Client>().WithMany().HasForeignKey(x => x.ClientId).OnDelete(DeleteBehavior.Restrict);
    }
}
