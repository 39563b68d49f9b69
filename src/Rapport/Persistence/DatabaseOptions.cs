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
    /// The key ring that encrypts free text (<c>Database:KeyRingPath</c>). Default: <c>field-keys.json</c> beside the
    /// SQLite file, or <c>data/field-keys.json</c> for PostgreSQL. Back it up separately from the database.
    /// </summary>
    public string? KeyRingPath { get; set; }

    public string ResolvedKeyRingPath() => System.IO.Path.GetFullPath(KeyRingPath ?? (Provider == DatabaseProvider.Sqlite
        ? System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path)) ?? ".", "field-keys.json")
        : "data/field-keys.json"));

    public string SqliteConnectionString()
    {
        var full = System.IO.Path.GetFullPath(Path);
        return $"Data Source={full};Foreign Keys=True;Pooling=True";
    }
}
