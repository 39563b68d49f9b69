using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Rapport.Privacy;

/// <summary>
/// AES-256-GCM for one free-text field. Stored form: <c>enc:v1:{keyId}:{base64(nonce | ciphertext | tag)}</c>.
/// The field's name (e.g. <c>CareEpisode.ReferralReason</c>) is authenticated as associated data, so a ciphertext
/// copied into another column does not decrypt. GCM's tag makes any change to the stored bytes fail loudly.
/// </summary>
public static class FieldEncryption
{
    public const string Prefix = "enc:v1:";
    private const int NonceSize = 12;
    private const int TagSize = 16;

    public static string Protect(FieldKeyRing ring, string field, string plaintext)
    {
        ArgumentNullException.ThrowIfNull(ring);
        ArgumentNullException.ThrowIfNull(plaintext);
        var keyId = ring.ActiveKeyId;
        var key = ring.Key(keyId);
        var data = Encoding.UTF8.GetBytes(plaintext);
        var output = new byte[NonceSize + data.Length + TagSize];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, data, output.AsSpan(NonceSize, data.Length), output.AsSpan(NonceSize + data.Length), Encoding.UTF8.GetBytes(field));
        return $"{Prefix}{keyId}:{Convert.ToBase64String(output)}";
    }

    public static string Unprotect(FieldKeyRing ring, string field, string stored)
    {
        ArgumentNullException.ThrowIfNull(ring);
        ArgumentNullException.ThrowIfNull(stored);
        if (!stored.StartsWith(Prefix, StringComparison.Ordinal))
        {
            // Written before the field opted in to encryption; `rapport keys rotate` encrypts it.
            return stored;
        }

        var rest = stored.AsSpan(Prefix.Length);
        var colon = rest.IndexOf(':');
        if (colon <= 0)
        {
            throw new CryptographicException($"{field}: malformed ciphertext.");
        }

        var key = ring.Key(rest[..colon].ToString());
        var input = Convert.FromBase64String(rest[(colon + 1)..].ToString());
        if (input.Length < NonceSize + TagSize)
        {
            throw new CryptographicException($"{field}: ciphertext too short.");
        }

        var length = input.Length - NonceSize - TagSize;
        var output = new byte[length];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(input.AsSpan(0, NonceSize), input.AsSpan(NonceSize, length), input.AsSpan(NonceSize + length), output, Encoding.UTF8.GetBytes(field));
        return Encoding.UTF8.GetString(output);
    }

    /// <summary>Key id of a stored value, or null when it is not (yet) encrypted.</summary>
    public static string? KeyIdOf(string? stored)
    {
        if (stored is null || !stored.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var rest = stored[Prefix.Length..];
        var colon = rest.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 ? rest[..colon] : null;
    }

    public static ValueConverter<string, string> Converter(FieldKeyRing ring, string field) =>
        new(v => Protect(ring, field, v), v => Unprotect(ring, field, v));
}
