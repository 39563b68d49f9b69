namespace Rapport.Privacy;

/// <summary>
/// Files that hold records or keys are created readable by their owner only (0600), whatever the process umask:
/// another account on the same machine must not read the database, its WAL, key material or queued mail.
/// </summary>
public static class OwnerOnlyFiles
{
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    public const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Creates the folder (0700 when it is new) for a file path.</summary>
    public static void CreateFolderFor(string path)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (string.IsNullOrEmpty(folder) || Directory.Exists(folder))
        {
            return;
        }

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else
        {
            Directory.CreateDirectory(folder, FolderMode);
        }
    }

    /// <summary>Options for a new file (fails if it exists), 0600 on Unix.</summary>
    public static FileStreamOptions CreateNew(FileAccess access = FileAccess.Write)
    {
        var options = new FileStreamOptions { Mode = System.IO.FileMode.CreateNew, Access = access };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = FileMode;
        }

        return options;
    }

    /// <summary>Writes a new file, 0600; throws <see cref="IOException"/> if it already exists.</summary>
    public static void WriteNew(string path, ReadOnlySpan<byte> content)
    {
        CreateFolderFor(path);
        using var stream = new FileStream(path, CreateNew());
        stream.Write(content);
    }

    /// <summary>Opens a file for appending, creating it 0600 if it is new.</summary>
    public static FileStream Append(string path)
    {
        CreateFolderFor(path);
        var options = new FileStreamOptions { Mode = System.IO.FileMode.Append, Access = FileAccess.Write, Share = FileShare.Read };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = FileMode;
        }

        return new FileStream(path, options);
    }

    /// <summary>Sets existing files to 0600 (files made by a library that does not take a mode, e.g. SQLite's).</summary>
    public static void Restrict(params string[] paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        foreach (var path in paths.Where(File.Exists))
        {
            File.SetUnixFileMode(path, FileMode);
        }
    }
}
