using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Rapport.Practices;

namespace Rapport.Systems;

internal sealed class ConnectedSystemConfiguration : IEntityTypeConfiguration<ConnectedSystem>
{
    public void Configure(EntityTypeBuilder<ConnectedSystem> builder)
    {
        builder.Property(x => x.ClientId).HasMaxLength(64);
        builder.Property(x => x.Name).HasMaxLength(ConnectedSystemForm.MaxNameLength);
        builder.Property(x => x.Scopes).HasMaxLength(1000);
        builder.HasIndex(x => x.ClientId).IsUnique();
        builder.HasIndex(x => x.PracticeId);
        builder.Property(x => x.Version).IsConcurrencyToken();
        builder.Ignore(x => x.IsActive);
        builder.HasOne<Practice>().WithMany().HasForeignKey(x => x.PracticeId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class UsedClientAssertionConfiguration : IEntityTypeConfiguration<UsedClientAssertion>
{
    public void Configure(EntityTypeBuilder<UsedClientAssertion> builder)
    {
        builder.Property(x => x.Issuer).HasMaxLength(64);
        builder.Property(x => x.Jti).HasMaxLength(200);
        // The replay check: a second insert of the same issuer and jti fails here, on every instance at once.
        builder.HasIndex(x => new { x.Issuer, x.Jti }).IsUnique();
        builder.HasIndex(x => x.ExpiresAt);
    }
}
