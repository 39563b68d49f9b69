using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Rapport.Accounts;

internal sealed class RapportUserConfiguration : IEntityTypeConfiguration<RapportUser>
{
    public void Configure(EntityTypeBuilder<RapportUser> builder)
    {
        builder.HasIndex(x => x.StaffMemberId).IsUnique();
        builder.HasIndex(x => x.ClientId).IsUnique();
    }
}
