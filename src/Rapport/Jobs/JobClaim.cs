using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Rapport.Persistence;

namespace Rapport.Jobs;

/// <summary>
/// A named lease for background work done in rounds rather than per row (the audit checkpoints, the practices' model
/// refit): the instance that claims the round's name runs the round; the others skip it until the lease lapses.
/// </summary>
public sealed class JobClaim : ILeasedJob
{
    public Guid Id { get; init; }
    public required string Name { get; init; }
    public string? LeaseOwner { get; set; }
    public DateTime? LeaseExpiresAt { get; set; }

    /// <summary>The row's key, derived from the name, so every instance inserts the same row and only one insert wins.</summary>
    public static Guid IdFor(string name) => new(SHA256.HashData(Encoding.UTF8.GetBytes(name)).AsSpan(0, 16));

    /// <summary>
    /// Takes the round named <paramref name="name"/> for <paramref name="length"/> (about the job's interval, and not
    /// released when the round ends, so the other instances skip this interval); true when this instance runs it.
    /// </summary>
    public static async Task<bool> TryClaimRoundAsync(RapportDb db, string name, string owner, DateTime now, TimeSpan length, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var id = IdFor(name);
        if (!await db.JobClaims.AnyAsync(c => c.Id == id, cancellationToken))
        {
            var row = new JobClaim { Id = id, Name = name };
            db.JobClaims.Add(row);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // Another instance made the row first; the claim below decides.
            }
            finally
            {
                db.Entry(row).State = EntityState.Detached;
            }
        }

        return await JobLease.TryClaimAsync(db.JobClaims, id, owner, now, length, cancellationToken);
    }
}

internal sealed class JobClaimConfiguration : IEntityTypeConfiguration<JobClaim>
{
    public void Configure(EntityTypeBuilder<JobClaim> builder)
    {
        builder.Property(x => x.Id).ValueGeneratedNever();
        builder.Property(x => x.Name).HasMaxLength(100);
        builder.HasIndex(x => x.Name).IsUnique();
        builder.Property(x => x.LeaseOwner).HasMaxLength(100);
    }
}
