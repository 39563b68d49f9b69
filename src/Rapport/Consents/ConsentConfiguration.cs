using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Rapport.Clients;

namespace Rapport.Consents;

internal sealed class ConsentConfiguration : IEntityTypeConfiguration<Consent>
{
    public void Configure(EntityTypeBuilder<Consent> builder)
    {
        builder.Property(x => x.Wording).HasMaxLength(4000);
        builder.Property(x => x.RecordedByUserId).HasMaxLength(450);
        builder.Property(x => x.Version).IsConcurrencyToken();
        builder.HasIndex(x => new { x.ClientId, x.Kind });
        builder.HasOne<Client>().WithMany().HasForeignKey(x => x.ClientId).OnDelete(DeleteBehavior.Restrict);
    }
}
