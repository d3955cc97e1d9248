using System.Security.Cryptography;

namespace MicroAI.ModelRegistry.Signing;

/// <summary>A public key signatures are checked against; the key is kept as its SubjectPublicKeyInfo bytes.</summary>
/// <param name="Source">Where it came from (a file path), for messages.</param>
/// <param name="SubjectPublicKeyInfo">DER, as in a PEM "PUBLIC KEY" block.</param>
/// <param name="Fingerprint">"sha256:" + hex of the SubjectPublicKeyInfo, to name the key in logs.</param>
public sealed record TrustedKey(string Source, byte[] SubjectPublicKeyInfo, string Fingerprint)
{
    /// <summary>
    /// A fresh ECDsa for one verification. The key is stored as bytes rather than as a shared ECDsa
    /// because .NET does not promise that one ECDsa instance may verify on several threads at once;
    /// an import costs microseconds against the network round trip that brought the signature.
    /// </summary>
    public ECDsa Open()
    {
        var key = ECDsa.Create();
        key.ImportSubjectPublicKeyInfo(SubjectPublicKeyInfo, out _);
        return key;
    }
}

/// <summary>A key file that cannot be used, with a message that says why and what to do.</summary>
public sealed class SigningKeyException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// ECDSA P-256 keys in the PEM forms cosign and OpenSSL read: public keys as PKIX "PUBLIC KEY" (what
/// <c>cosign verify --key</c> takes), private keys as PKCS#8 "PRIVATE KEY", SEC1 "EC PRIVATE KEY" or
/// encrypted PKCS#8 "ENCRYPTED PRIVATE KEY" (password from <see cref="PasswordVariable"/>).
/// cosign's own "ENCRYPTED SIGSTORE PRIVATE KEY" (scrypt + NaCl secretbox) is refused with a message:
/// the BCL has neither primitive and NSec.Cryptography exposes scrypt but not secretbox.
/// </summary>
public static class SigningKeys
{
    public const string PasswordVariable = "MICROAI_KEY_PASSWORD";

    /// <summary>The OID of NIST P-256 (secp256r1, prime256v1), the one curve cosign's spec requires.</summary>
    private const string P256Oid = "1.2.840.10045.3.1.7";

    /// <summary>
    /// PBKDF2-SHA256 rounds for a key written with a password: OWASP's 2023 figure for that hash
    /// (600,000), about a third of a second to open on this 2-core machine, once per signing.
    /// </summary>
    private const int Pbkdf2Iterations = 600_000;

    /// <summary>Reads a PEM public key; the key must be ECDSA P-256.</summary>
    public static TrustedKey ImportPublicKey(string pem, string source)
    {
        if (!TryFindKeyBlock(pem, out var label, out var base64))
            throw new SigningKeyException($"{source} holds no PEM block; a public key starts with -----BEGIN PUBLIC KEY-----.");
        if (label != "PUBLIC KEY")
        {
            throw new SigningKeyException(label.Contains("PRIVATE", StringComparison.Ordinal)
                ? $"{source} is a private key ({label}); the trust policy takes public keys (the .pub file of a key pair)."
                : $"{source} holds a '{label}' block; a public key is a PKIX -----BEGIN PUBLIC KEY----- block.");
        }
        var der = Convert.FromBase64String(base64);
        using var key = ECDsa.Create();
        try
        {
            key.ImportSubjectPublicKeyInfo(der, out _);
        }
        catch (CryptographicException ex)
        {
            throw new SigningKeyException($"{source} is not an ECDSA public key; cosign-compatible signatures use ECDSA P-256.", ex);
        }
        RequireP256(key, source);
        return new TrustedKey(source, der, Store.Digest.FromHash(SHA256.HashData(der)));
    }

    public static TrustedKey ReadPublicKeyFile(string path)
    {
        string pem;
        try
        {
            pem = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SigningKeyException($"Cannot read the public key {path}: {ex.Message}", ex);
        }
        return ImportPublicKey(pem, path);
    }

    /// <summary>Reads a PEM private key; <paramref name="password"/> opens an "ENCRYPTED PRIVATE KEY".</summary>
    public static ECDsa ImportPrivateKey(string pem, string? password, string source)
    {
        if (!TryFindKeyBlock(pem, out var label, out var base64))
            throw new SigningKeyException($"{source} holds no PEM block; a private key starts with -----BEGIN PRIVATE KEY-----.");
        var key = ECDsa.Create();
        try
        {
            var der = Convert.FromBase64String(base64);
            switch (label)
            {
                case "PRIVATE KEY":
                    key.ImportPkcs8PrivateKey(der, out _);
                    break;
                case "EC PRIVATE KEY":
                    key.ImportECPrivateKey(der, out _);
                    break;
                case "ENCRYPTED PRIVATE KEY":
                    if (string.IsNullOrEmpty(password))
                        throw new SigningKeyException($"{source} is encrypted; give its password in the environment variable {PasswordVariable}.");
                    try
                    {
                        key.ImportEncryptedPkcs8PrivateKey(password, der, out _);
                    }
                    catch (CryptographicException ex)
                    {
                        throw new SigningKeyException($"Cannot decrypt {source}: the password in {PasswordVariable} is wrong, or the key is not an encrypted PKCS#8 EC key.", ex);
                    }
                    break;
                case "ENCRYPTED SIGSTORE PRIVATE KEY" or "ENCRYPTED COSIGN PRIVATE KEY":
                    throw new SigningKeyException(
                        $"{source} is in cosign's own encrypted format (scrypt + NaCl secretbox), which MicroAI cannot open. " +
                        "Use a key from `microai keygen`, or make one with OpenSSL (`openssl ecparam -name prime256v1 -genkey | openssl pkcs8 -topk8 -nocrypt -out signing.key`) " +
                        "and give cosign the same key with `cosign import-key-pair --key signing.key`.");
                default:
                    throw new SigningKeyException($"{source} holds a '{label}' block; a private key is PEM 'PRIVATE KEY', 'EC PRIVATE KEY' or 'ENCRYPTED PRIVATE KEY'.");
            }
            RequireP256(key, source);
            return key;
        }
        catch (SigningKeyException)
        {
            key.Dispose();
            throw;
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException)
        {
            key.Dispose();
            throw new SigningKeyException($"{source} is not an ECDSA private key ({label}): {ex.Message}", ex);
        }
    }

    /// <summary>Reads a private key file, with the password (if any) from <see cref="PasswordVariable"/>.</summary>
    public static ECDsa ReadPrivateKeyFile(string path)
    {
        string pem;
        try
        {
            pem = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SigningKeyException($"Cannot read the private key {path}: {ex.Message}", ex);
        }
        return ImportPrivateKey(pem, Environment.GetEnvironmentVariable(PasswordVariable), path);
    }

    /// <summary>A new P-256 key pair as PEM: PKCS#8 (encrypted when a password is given) and PKIX.</summary>
    public static (string PrivateKeyPem, string PublicKeyPem) CreateKeyPair(string? password)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var privatePem = string.IsNullOrEmpty(password)
            ? key.ExportPkcs8PrivateKeyPem()
            : key.ExportEncryptedPkcs8PrivateKeyPem(password, new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, Pbkdf2Iterations));
        return (privatePem + "\n", key.ExportSubjectPublicKeyInfoPem() + "\n");
    }

    /// <summary>
    /// Writes <c>prefix.key</c> (owner read/write only, set when the file is created so it is never
    /// readable by others, even for a moment) and <c>prefix.pub</c>. Existing files are kept unless
    /// <paramref name="overwrite"/>. Returns the two paths.
    /// </summary>
    public static (string PrivateKeyPath, string PublicKeyPath) WriteKeyPair(string prefix, string? password, bool overwrite)
    {
        var privatePath = Path.GetFullPath(prefix + ".key");
        var publicPath = Path.GetFullPath(prefix + ".pub");
        if (!overwrite && (File.Exists(privatePath) || File.Exists(publicPath)))
            throw new SigningKeyException($"{(File.Exists(privatePath) ? privatePath : publicPath)} exists; choose another --output or pass --force to replace it.");
        var (privatePem, publicPem) = CreateKeyPair(password);
        if (Path.GetDirectoryName(privatePath) is { } directory)
            Directory.CreateDirectory(directory);
        // Replacing: remove first, because a mode given at creation does not apply to an existing file.
        File.Delete(privatePath);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var file = new StreamWriter(privatePath, System.Text.Encoding.ASCII, options))
            file.Write(privatePem);
        File.WriteAllText(publicPath, publicPem, System.Text.Encoding.ASCII);
        return (privatePath, publicPath);
    }

    public static string Fingerprint(ECDsa key) => Store.Digest.FromHash(SHA256.HashData(key.ExportSubjectPublicKeyInfo()));

    /// <summary>
    /// The first PEM block that is not "EC PARAMETERS": `openssl ecparam -genkey` writes the curve's
    /// parameters before the key, and the key is what is meant.
    /// </summary>
    private static bool TryFindKeyBlock(string pem, out string label, out string base64)
    {
        var rest = pem.AsSpan();
        while (PemEncoding.TryFind(rest, out var found))
        {
            if (rest[found.Label] is not "EC PARAMETERS")
            {
                label = rest[found.Label].ToString();
                base64 = rest[found.Base64Data].ToString();
                return true;
            }
            rest = rest[found.Location.End..];
        }
        label = base64 = "";
        return false;
    }

    internal static void RequireP256(ECDsa key, string source)
    {
        var curve = key.ExportParameters(false).Curve;
        var isP256 = curve.IsNamed && (curve.Oid.Value == P256Oid || curve.Oid.FriendlyName is "nistP256" or "ECDSA_P256" or "prime256v1" or "secp256r1");
        if (!isP256)
            throw new SigningKeyException($"{source} is an ECDSA key on curve {curve.Oid.FriendlyName ?? curve.Oid.Value ?? "(explicit parameters)"}; cosign-compatible signatures use P-256 (prime256v1).");
    }
}
