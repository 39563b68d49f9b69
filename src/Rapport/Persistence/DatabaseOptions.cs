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

    public string SqliteConnectionString()
    {
        var full = System.IO.Path.GetFullPath(Path);
        return $"Data Source={full};Foreign Keys=True;Pooling=True";
    }
}
