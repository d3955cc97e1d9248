using System.Security.Cryptography;
using MicroAI.ModelRegistry.Signing;

namespace MicroAI.ModelRegistry.Tests.Signing;

public sealed class SigningKeysTests : IDisposable
{
    private readonly TempModelsDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Keygen_writes_an_owner_only_private_key_and_a_public_key_that_verify_each_other()
    {
        var prefix = Path.Combine(_dir.Path, "keys", "microai");

        var (privatePath, publicPath) = SigningKeys.WriteKeyPair(prefix, password: null, overwrite: false);

        Assert.Equal(prefix + ".key", privatePath);
        Assert.Equal(prefix + ".pub", publicPath);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(privatePath));
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", File.ReadAllText(privatePath));
        Assert.StartsWith("-----BEGIN PUBLIC KEY-----", File.ReadAllText(publicPath));

        using var key = SigningKeys.ImportPrivateKey(File.ReadAllText(privatePath), null, privatePath);
        var trusted = SigningKeys.ReadPublicKeyFile(publicPath);
        var payload = CosignSignatures.CreatePayload("registry.local:5000/models/x", CosignVectorTests.Sha256([1, 2, 3]));
        var signature = Convert.FromBase64String(CosignSignatures.Sign(payload, key));
        using var verifier = trusted.Open();
        Assert.True(verifier.VerifyData(payload, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
        Assert.Equal(SigningKeys.Fingerprint(key), trusted.Fingerprint);
    }

    [Fact]
    public void Keygen_keeps_existing_files_unless_told_to_replace_them()
    {
        var prefix = Path.Combine(_dir.Path, "k");
        SigningKeys.WriteKeyPair(prefix, null, overwrite: false);
        var before = File.ReadAllText(prefix + ".pub");

        var refused = Assert.Throws<SigningKeyException>(() => SigningKeys.WriteKeyPair(prefix, null, overwrite: false));
        Assert.Contains("--force", refused.Message);
        Assert.Equal(before, File.ReadAllText(prefix + ".pub"));

        SigningKeys.WriteKeyPair(prefix, null, overwrite: true);
        Assert.NotEqual(before, File.ReadAllText(prefix + ".pub"));
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(prefix + ".key"));
    }

    [Fact]
    public void An_encrypted_PKCS8_key_opens_with_its_password_and_says_what_is_missing_without()
    {
        var prefix = Path.Combine(_dir.Path, "enc");
        SigningKeys.WriteKeyPair(prefix, "correct horse", overwrite: false);
        var pem = File.ReadAllText(prefix + ".key");
        Assert.StartsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----", pem);

        using (var key = SigningKeys.ImportPrivateKey(pem, "correct horse", "enc.key"))
            Assert.Equal(SigningKeys.ReadPublicKeyFile(prefix + ".pub").Fingerprint, SigningKeys.Fingerprint(key));

        var missing = Assert.Throws<SigningKeyException>(() => SigningKeys.ImportPrivateKey(pem, null, "enc.key"));
        Assert.Contains(SigningKeys.PasswordVariable, missing.Message);
        var wrong = Assert.Throws<SigningKeyException>(() => SigningKeys.ImportPrivateKey(pem, "battery staple", "enc.key"));
        Assert.Contains("password", wrong.Message);
    }

    [Fact]
    public void SEC1_and_PKCS8_private_keys_are_read_and_other_curves_refused()
    {
        using var p256 = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using (var sec1 = SigningKeys.ImportPrivateKey(p256.ExportECPrivateKeyPem(), null, "ec.key"))
            Assert.Equal(SigningKeys.Fingerprint(p256), SigningKeys.Fingerprint(sec1));
        using (var pkcs8 = SigningKeys.ImportPrivateKey(p256.ExportPkcs8PrivateKeyPem(), null, "p8.key"))
            Assert.Equal(SigningKeys.Fingerprint(p256), SigningKeys.Fingerprint(pkcs8));
        // `openssl ecparam -name prime256v1 -genkey` writes the curve (OID 1.2.840.10045.3.1.7) before the key.
        var openssl = "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n" + p256.ExportECPrivateKeyPem();
        using (var withParameters = SigningKeys.ImportPrivateKey(openssl, null, "openssl.key"))
            Assert.Equal(SigningKeys.Fingerprint(p256), SigningKeys.Fingerprint(withParameters));

        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        Assert.Contains("P-256", Assert.Throws<SigningKeyException>(() => SigningKeys.ImportPrivateKey(p384.ExportPkcs8PrivateKeyPem(), null, "p384.key")).Message);
        Assert.Contains("P-256", Assert.Throws<SigningKeyException>(() => SigningKeys.ImportPublicKey(p384.ExportSubjectPublicKeyInfoPem(), "p384.pub")).Message);
        using var rsa = RSA.Create(2048);
        Assert.Contains("not an ECDSA", Assert.Throws<SigningKeyException>(() => SigningKeys.ImportPublicKey(rsa.ExportSubjectPublicKeyInfoPem(), "rsa.pub")).Message);
        Assert.Contains("private key", Assert.Throws<SigningKeyException>(() => SigningKeys.ImportPublicKey(p256.ExportPkcs8PrivateKeyPem(), "swapped.pub")).Message);
        Assert.Contains("no PEM", Assert.Throws<SigningKeyException>(() => SigningKeys.ImportPublicKey("hello", "text.pub")).Message);
    }

    [Fact]
    public void Cosigns_own_encrypted_format_is_refused_with_what_works_instead()
    {
        foreach (var label in new[] { "ENCRYPTED SIGSTORE PRIVATE KEY", "ENCRYPTED COSIGN PRIVATE KEY" })
        {
            var pem = $"-----BEGIN {label}-----\neyJrZGYiOnt9fQ==\n-----END {label}-----\n";
            var refused = Assert.Throws<SigningKeyException>(() => SigningKeys.ImportPrivateKey(pem, "pw", "cosign.key"));
            Assert.Contains("cosign import-key-pair", refused.Message);
            Assert.Contains("microai keygen", refused.Message);
        }
    }
}
