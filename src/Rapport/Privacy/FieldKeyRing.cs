using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;

namespace Rapport.Privacy;

/// <summary>
/// The keys that encrypt free text at rest: a small JSON file (owner-only permissions) holding 256-bit keys,
/// each with an id, and which one is active. Ciphertext names the key that made it, so old keys keep decrypting
/// after <c>rapport keys rotate</c> makes a new one active. Kept apart from the database so a stolen database
/// file or backup is unreadable without it (HIPAA 164.312(a)(2)(iv); GDPR Art. 32(1)(a), Art. 34(3)(a)).
/// See docs/decisions/0008-field-encryption-key-ring.md.
/// </summary>
public sealed class FieldKeyRing
{
    private static readonly ConcurrentDictionary<string, FieldKeyRing> Loaded = new(StringComparer.Ordinal);
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    private readonly Lock _lock = new();
    private Dictionary<string, byte[]> _keys = new(StringComparer.Ordinal);

    private FieldKeyRing(string path) => Path = path;

    public string Path { get; }
    private string _activeKeyId = "";
    private volatile bool _loaded;

    /// <summary>
    /// One instance per file in a process. The file is read (and created with a first key if missing) only when a
    /// key is first needed, so tooling that merely builds the model (migrations) leaves no key file behind.
    /// </summary>
    public static FieldKeyRing For(string path) => Loaded.GetOrAdd(System.IO.Path.GetFullPath(path), p => new FieldKeyRing(p));

    public string ActiveKeyId
    {
        get
        {
            EnsureLoaded();
            return _activeKeyId;
        }
    }

    private void EnsureLoaded()
    {
        if (!_loaded)
        {
            Reload(createIfMissing: true);
        }
    }

    /// <summary>The key with this id; re-reads the file once if it is unknown (another process may have rotated).</summary>
    public byte[] Key(string id)
    {
        EnsureLoaded();
        lock (_lock)
        {
            if (_keys.TryGetValue(id, out var key))
            {
                return key;
            }
        }

        Reload(createIfMissing: false);
        lock (_lock)
        {
            return _keys.TryGetValue(id, out var key)
                ? key
                : throw new CryptographicException($"Encryption key '{id}' is not in the key ring at {Path}.");
        }
    }

    /// <summary>Adds a new key, makes it active and saves the file. Older keys stay, so existing ciphertext still decrypts.</summary>
    public string AddActiveKey()
    {
        EnsureLoaded();
        lock (_lock)
        {
            var id = NewKeyId();
            var keys = new Dictionary<string, byte[]>(_keys, StringComparer.Ordinal) { [id] = RandomNumberGenerator.GetBytes(32) };
            Write(Path, new KeyFile(id, [.. keys.Select(k => new KeyEntry(k.Key, Convert.ToBase64String(k.Value)))]), overwrite: true);
            _keys = keys;
            _activeKeyId = id;
            return id;
        }
    }

    /// <summary>Re-reads the file, so this process picks up a key added by <c>rapport keys rotate</c> in another.</summary>
    public void Reload() => Reload(createIfMissing: false);

    private void Reload(bool createIfMissing)
    {
        lock (_lock)
        {
            if (!File.Exists(Path) && createIfMissing)
            {
                var id = NewKeyId();
                try
                {
                    Write(Path, new KeyFile(id, [new KeyEntry(id, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)))]), overwrite: false);
                }
                catch (IOException) when (File.Exists(Path))
                {
                    // Another process created it first: use theirs.
                }
            }

            var file = JsonSerializer.Deserialize<KeyFile>(File.ReadAllText(Path), Json)
                ?? throw new CryptographicException($"The key ring at {Path} is empty.");
            _keys = file.Keys.ToDictionary(k => k.Id, k => Convert.FromBase64String(k.Key), StringComparer.Ordinal);
            if (!_keys.ContainsKey(file.Active))
            {
                throw new CryptographicException($"The key ring at {Path} names active key '{file.Active}', which it does not hold.");
            }

            _activeKeyId = file.Active;
            _loaded = true;
        }
    }

    private static string NewKeyId() => Guid.CreateVersion7().ToString("N")[..16];

    private static void Write(string path, KeyFile file, bool overwrite)
    {
        var folder = System.IO.Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        // Write a sibling and move it into place, so a reader never sees half a file.
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temp, options))
        {
            JsonSerializer.Serialize(stream, file, Json);
        }

        if (overwrite)
        {
            File.Move(temp, path, overwrite: true);
            return;
        }

        try
        {
            File.Move(temp, path, overwrite: false);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private sealed record KeyFile(string Active, List<KeyEntry> Keys);

    private sealed record KeyEntry(string Id, string Key);
}
