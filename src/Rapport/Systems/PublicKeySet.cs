using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace Rapport.Systems;

/// <summary>
/// A system's pasted JWKS, checked before it is stored: it parses, it holds at least one key, and every key is a public
/// RSA or P-384 EC key with a <c>kid</c> (SMART Backend Services: RS384 or ES384). A private part (<c>d</c>, the RSA
/// primes) or a symmetric key is refused: the system keeps its private key, Rapport never sees one.
/// </summary>
public static class PublicKeySet
{
    public const int MaxLength = 20_000;

    private static readonly string[] PrivateMembers = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

    /// <summary>The parsed set, or null with <paramref name="error"/> saying what is wrong.</summary>
    public static JsonWebKeySet? Parse(string? json, out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(json))
        {
            error = "Paste the system's public key set (JWKS, JSON).";
            return null;
        }

        if (json.Length > MaxLength)
        {
            error = $"A key set is at most {MaxLength} characters.";
            return null;
        }

        JsonElement keys;
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("keys", out var found)
                || found.ValueKind != JsonValueKind.Array || found.GetArrayLength() == 0)
            {
                error = "A key set is a JSON object with a non-empty \"keys\" array.";
                return null;
            }

            keys = found.Clone();
        }
        catch (JsonException)
        {
            error = "This is not valid JSON.";
            return null;
        }

        foreach (var key in keys.EnumerateArray())
        {
            if (key.ValueKind != JsonValueKind.Object)
            {
                error = "Every entry of \"keys\" must be a key object.";
                return null;
            }

            if (PrivateMembers.FirstOrDefault(m => key.TryGetProperty(m, out _)) is { } member)
            {
                error = $"This key set holds a private or secret key (\"{member}\"): paste only the public keys, and treat that private key as exposed.";
                return null;
            }
        }

        JsonWebKeySet set;
        try
        {
            set = new JsonWebKeySet(json);
        }
        catch (ArgumentException)
        {
            error = "This is not a key set (JWKS).";
            return null;
        }

        foreach (var key in set.Keys)
        {
            if (string.IsNullOrEmpty(key.Kid))
            {
                error = "Every key needs a \"kid\" (key id).";
                return null;
            }

            var usable = key.Kty switch
            {
                JsonWebAlgorithmsKeyTypes.RSA => !string.IsNullOrEmpty(key.N) && !string.IsNullOrEmpty(key.E) && key.Alg is null or SecurityAlgorithms.RsaSha384,
                JsonWebAlgorithmsKeyTypes.EllipticCurve => key.Crv == JsonWebKeyECTypes.P384 && !string.IsNullOrEmpty(key.X) && !string.IsNullOrEmpty(key.Y)
                    && key.Alg is null or SecurityAlgorithms.EcdsaSha384,
                _ => false,
            };
            if (!usable)
            {
                error = $"Key \"{key.Kid}\" is not a public RSA key (RS384) or P-384 EC key (ES384).";
                return null;
            }
        }

        return set;
    }
}
