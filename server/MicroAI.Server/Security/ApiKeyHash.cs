using System.Security.Cryptography;
using System.Text;

namespace MicroAI.Server.Security;

/// <summary>
/// Keys are 256 random bits, so a plain SHA-256 of the key is as strong as a slow password hash would
/// be (nobody can brute-force 2^256) and costs ~1 µs per request instead of ~100 ms for PBKDF2.
/// Only the hash is ever stored.
/// </summary>
public static class ApiKeyHash
{
    public const string Prefix = "sha256:";
    /// <summary>What every key starts with, so that secret scanners and people recognise it.</summary>
    public const string KeyPrefix = "mai_";

    /// <summary>A new key: "mai_" + 43 base64url characters (32 random bytes).</summary>
    public static string NewKey() =>
        KeyPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Of(string key) => Prefix + Convert.ToHexStringLower(Digest(key));

    /// <summary>The 32 bytes of SHA-256 over the key's UTF-8 bytes.</summary>
    public static byte[] Digest(string key)
    {
        var bytes = Encoding.UTF8.GetBytes(key);
        return SHA256.HashData(bytes);
    }

    /// <summary>"sha256:&lt;64 hex&gt;" → the 32 bytes; null if malformed.</summary>
    public static byte[]? Parse(string? hash)
    {
        if (hash is null || !hash.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) || hash.Length != Prefix.Length + 64)
            return null;
        try
        {
            return Convert.FromHexString(hash.AsSpan(Prefix.Length));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    public static bool IsValid(string? hash) => Parse(hash) is not null;
}
