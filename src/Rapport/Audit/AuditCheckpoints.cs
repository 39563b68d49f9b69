using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Rapport.Persistence;
using Rapport.Privacy;

namespace Rapport.Audit;

/// <summary>A practice's chain head at a moment: its last sequence number and that entry's hash.</summary>
public sealed record AuditCheckpoint(Guid PracticeId, long Sequence, string Hash, DateTime At);

/// <summary>
/// The truncation anchor: an append-only file outside the database where each practice's chain head is written, one
/// HMAC-SHA256-signed line per checkpoint, with the key kept beside the other keys (never in the database). Someone who
/// deletes the newest audit entries (and so the chain's tail, which the hash chain alone cannot show) cannot also
/// rewrite the anchors without the key; <c>rapport audit verify</c> checks the chain against the latest one.
/// Configuration: <c>Audit:CheckpointPath</c> (default <c>checkpoints/audit-checkpoints.log</c>) and
/// <c>Audit:CheckpointKeyPath</c> (default <c>audit-checkpoint.key</c> beside the field key ring).
/// </summary>
public sealed class AuditCheckpointLog(string path, string keyPath)
{
    public const string DefaultPath = "checkpoints/audit-checkpoints.log";
    private const string Version = "v1";

    public string Path { get; } = System.IO.Path.GetFullPath(path);
    public string KeyPath { get; } = System.IO.Path.GetFullPath(keyPath);

    public static AuditCheckpointLog From(IConfiguration configuration, DatabaseOptions database)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(database);
        var keys = System.IO.Path.GetDirectoryName(database.ResolvedKeyRingPath()) ?? ".";
        return new AuditCheckpointLog(
            configuration["Audit:CheckpointPath"] is { Length: > 0 } p ? p : DefaultPath,
            configuration["Audit:CheckpointKeyPath"] is { Length: > 0 } k ? k : System.IO.Path.Combine(keys, "audit-checkpoint.key"));
    }

    public void Append(IEnumerable<AuditCheckpoint> checkpoints)
    {
        ArgumentNullException.ThrowIfNull(checkpoints);
        var key = Key(create: true)!;
        var lines = new StringBuilder();
        foreach (var checkpoint in checkpoints)
        {
            var body = Body(checkpoint);
            lines.Append(body).Append('\t').Append(Sign(key, body)).Append('\n');
        }

        if (lines.Length == 0)
        {
            return;
        }

        using var file = OwnerOnlyFiles.Append(Path);
        file.Write(Encoding.UTF8.GetBytes(lines.ToString()));
        file.Flush(flushToDisk: true);
    }

    /// <summary>The newest checkpoint per practice; a line whose signature does not verify is reported, not trusted.</summary>
    public IReadOnlyDictionary<Guid, AuditCheckpoint> Latest(ICollection<string> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        var latest = new Dictionary<Guid, AuditCheckpoint>();
        if (!File.Exists(Path))
        {
            return latest;
        }

        if (Key(create: false) is not { } key)
        {
            problems.Add($"the checkpoint key {KeyPath} is missing, so the checkpoints in {Path} cannot be trusted");
            return latest;
        }

        var number = 0;
        foreach (var line in File.ReadLines(Path))
        {
            number++;
            var cut = line.LastIndexOf('\t');
            var parts = line.Split('\t');
            if (cut < 0 || parts.Length != 6 || parts[0] != Version
                || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(key, line[..cut])), Encoding.ASCII.GetBytes(line[(cut + 1)..]))
                || !Guid.TryParse(parts[1], out var practice) || !long.TryParse(parts[2], CultureInfo.InvariantCulture, out var sequence))
            {
                problems.Add($"checkpoint line {number} of {Path} is not signed with the checkpoint key (altered or forged)");
                continue;
            }

            var at = DateTime.Parse(parts[4], CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
            if (!latest.TryGetValue(practice, out var known) || known.Sequence <= sequence)
            {
                latest[practice] = new AuditCheckpoint(practice, sequence, parts[3], at);
            }
        }

        return latest;
    }

    private static string Body(AuditCheckpoint c) =>
        string.Join('\t', Version, c.PracticeId.ToString("D"), c.Sequence.ToString(CultureInfo.InvariantCulture), c.Hash, c.At.ToString("O", CultureInfo.InvariantCulture));

    private static string Sign(byte[] key, string body) => Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(body)));

    private byte[]? Key(bool create)
    {
        if (!File.Exists(KeyPath))
        {
            if (!create)
            {
                return null;
            }

            try
            {
                OwnerOnlyFiles.WriteNew(KeyPath, Encoding.ASCII.GetBytes(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))));
            }
            catch (IOException) when (File.Exists(KeyPath))
            {
                // Another instance made it first: use theirs.
            }
        }

        return Convert.FromBase64String(File.ReadAllText(KeyPath).Trim());
    }
}

/// <summary>Writes each practice's current chain head to the checkpoint log when it moved since the last checkpoint.</summary>
[NotAudited("a system job reading only each practice's chain head (sequence and hash), no clinical data")]
public sealed class PublishAuditCheckpoints(RapportDb db, AuditCheckpointLog log, TimeProvider clock)
{
    public async Task<IReadOnlyList<AuditCheckpoint>> HandleAsync(CancellationToken cancellationToken = default)
    {
        var known = log.Latest(new List<string>());
        var practices = await db.AuditEntries.IgnoreQueryFilters().Select(e => e.PracticeId).Distinct().ToListAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var written = new List<AuditCheckpoint>();
        foreach (var practice in practices.Order())
        {
            var head = await db.AuditEntries.IgnoreQueryFilters().AsNoTracking().Where(e => e.PracticeId == practice)
                .OrderByDescending(e => e.Sequence).Select(e => new { e.Sequence, e.Hash }).FirstAsync(cancellationToken);
            if (known.TryGetValue(practice, out var last) && last.Sequence == head.Sequence && last.Hash == head.Hash)
            {
                continue;
            }

            written.Add(new AuditCheckpoint(practice, head.Sequence, head.Hash, now));
        }

        log.Append(written);
        return written;
    }
}
