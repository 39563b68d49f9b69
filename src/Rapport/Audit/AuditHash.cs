using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Rapport.Audit;

/// <summary>
/// The canonical form of an entry and its SHA-256. Every field is written as its length, a colon and its value,
/// so no choice of values (a reason containing the separator, say) can make two different entries serialise alike.
/// </summary>
public static class AuditHash
{
    /// <summary>The "previous hash" of a practice's first entry.</summary>
    public static readonly string Genesis = new('0', 64);

    public static string Compute(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var builder = new StringBuilder(512);
        // v2 only adds the subjects of an event that concerned several clients; every earlier entry still hashes as v1.
        Field(builder, entry.Subjects is null ? "v1" : "v2");
        Field(builder, entry.Id.ToString("D"));
        Field(builder, entry.PracticeId.ToString("D"));
        Field(builder, entry.Sequence.ToString(CultureInfo.InvariantCulture));
        Field(builder, entry.UserId);
        Field(builder, entry.ActorName);
        Field(builder, entry.ActorRole);
        Field(builder, entry.Action.ToString());
        Field(builder, entry.RecordType);
        Field(builder, entry.RecordId);
        Field(builder, entry.ClientId?.ToString("D"));
        Field(builder, entry.At.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff", CultureInfo.InvariantCulture));
        Field(builder, entry.IpAddress);
        Field(builder, entry.UserAgent);
        Field(builder, entry.Reason);
        Field(builder, entry.PreviousHash);
        if (entry.Subjects is not null)
        {
            Field(builder, entry.Subjects);
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(builder.ToString())));
    }

    /// <summary>PostgreSQL keeps microseconds, .NET keeps 100 ns ticks: store what both keep, or the hash would not verify after a round trip.</summary>
    public static DateTime Truncate(DateTimeOffset at)
    {
        var ticks = at.UtcTicks;
        return new DateTime(ticks - (ticks % 10), DateTimeKind.Utc);
    }

    private static void Field(StringBuilder builder, string? value)
    {
        if (value is null)
        {
            builder.Append("-;");
            return;
        }

        builder.Append(value.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(value).Append(';');
    }
}
