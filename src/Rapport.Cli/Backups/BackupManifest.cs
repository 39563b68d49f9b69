using System.Text.Json;
using System.Text.Json.Serialization;
using Rapport.Privacy;

namespace Rapport.Cli.Backups;

/// <summary>A practice's audit chain head when the backup was taken: restore checks the restored chain ends exactly here.</summary>
public sealed record ChainHead(Guid PracticeId, long Sequence, string Hash);

/// <summary>
/// What a backup holds and how to check it, written as <c>manifest.json</c> beside the dump. Restore refuses a dump whose
/// hash, format or migration does not match, and compares the restored tables and chain heads with it.
/// </summary>
public sealed record BackupManifest(
    int FormatVersion,
    string AppVersion,
    string Provider,
    string Migration,
    string DumpFile,
    string DumpSha256,
    DateTime CreatedAt,
    IReadOnlyDictionary<string, long> Tables,
    IReadOnlyList<ChainHead> AuditHeads)
{
    public const int CurrentFormat = 1;
    public const string FileName = "manifest.json";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.Never };

    public void Write(string folder)
    {
        OwnerOnlyFiles.WriteNew(Path.Combine(folder, FileName), JsonSerializer.SerializeToUtf8Bytes(this, Json));
    }

    /// <summary>The manifest in <paramref name="folder"/>, or a one-line reason it cannot be used.</summary>
    public static (BackupManifest? Manifest, string? Problem) Read(string folder)
    {
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path))
        {
            return (null, $"{path} does not exist: not a Rapport backup folder.");
        }

        try
        {
            var manifest = JsonSerializer.Deserialize<BackupManifest>(File.ReadAllBytes(path), Json);
            if (manifest is null || manifest.Tables is null || manifest.AuditHeads is null || string.IsNullOrEmpty(manifest.DumpFile) || string.IsNullOrEmpty(manifest.Migration))
            {
                return (null, $"{path} is incomplete.");
            }

            if (manifest.FormatVersion != CurrentFormat)
            {
                return (null, $"{path} has format version {manifest.FormatVersion}; this Rapport reads version {CurrentFormat}.");
            }

            if (Path.GetFileName(manifest.DumpFile) != manifest.DumpFile)
            {
                return (null, $"{path} names a dump outside its folder.");
            }

            return (manifest, null);
        }
        catch (JsonException ex)
        {
            return (null, $"{path} is not a valid manifest ({ex.Message}).");
        }
    }
}
