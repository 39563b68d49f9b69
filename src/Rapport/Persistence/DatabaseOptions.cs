namespace Rapport.Persistence;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>
/// Where the data lives. The app and every <c>rapport</c> command read the same keys:
/// <c>Database:Provider</c> (Sqlite or Postgres), <c>Database:Path</c> (SQLite file, default
/// <c>data/rapport.db</c> under the working directory) and <c>ConnectionStrings:Rapport</c> (PostgreSQL).
/// </summary>
public sealed class DatabaseOptions
{
    public const string DefaultSqlitePath = "data/rapport.db";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;
    public string Path { get; set; } = DefaultSqlitePath;
    public string? ConnectionString { get; set; }

    /// <summary>
    /// The key ring that encrypts free text (<c>Database:KeyRingPath</c>). Default: <c>keys/field-keys.json</c> under
    /// the working directory, a sibling of the <c>data</c> folder and never inside it, so copying or backing up the data
    /// folder does not carry the key with it. Put it on another volume (or a secrets mount) in production, and back it
    /// up separately from the database.
    /// </summary>
    public string? KeyRingPath { get; set; }

    public const string DefaultKeyRingPath = "keys/field-keys.json";

    public string ResolvedKeyRingPath()
    {
        if (KeyRingPath is not null)
        {
            return System.IO.Path.GetFullPath(KeyRingPath);
        }

        // Installations from before December 2026 keep their ring where it was made (beside the SQLite file, or
        // data/field-keys.json), so their free text still decrypts; `rapport` docs say how to move it.
        var preferred = System.IO.Path.GetFullPath(DefaultKeyRingPath);
        var legacy = System.IO.Path.GetFullPath(Provider == DatabaseProvider.Sqlite
            ? System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path)) ?? ".", "field-keys.json")
            : "data/field-keys.json");
        return !File.Exists(preferred) && File.Exists(legacy) ? legacy : preferred;
    }

    public string SqliteConnectionString()
    {
        var full = System.IO.Path.GetFullPath(Path);
        return $"Data Source={full};Foreign Keys=True;Pooling=True";
    }
}
