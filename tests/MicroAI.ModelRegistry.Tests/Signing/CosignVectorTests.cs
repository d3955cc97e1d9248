using System.Security.Cryptography;
using System.Text;
using MicroAI.ModelRegistry.Signing;

namespace MicroAI.ModelRegistry.Tests.Signing;

/// <summary>
/// Compatibility with cosign itself, proved on artifacts cosign made (cosign is not on this machine):
/// <list type="bullet">
/// <item>A key-based signature cosign made for registry-testing.svc.lan/busybox, with its public key:
/// the fixture of sigstore-rs's SignatureLayer tests (src/cosign/signature_layers.rs,
/// build_correct_signature_layer_without_bundle); OpenSSL's `dgst -sha256 -verify` accepts it too.</item>
/// <item>The signature manifest, config and payload cosign v1.13.1 pushed for
/// chihjenhuang/cosign1@sha256:4c1c…380d, from a `cosign sign -d` HTTP trace
/// (jeffhuang4704/just-notes, cosign/cosign-traffic.md): the registry's digests of those bytes
/// are known, so our writers must reproduce them exactly.</item>
/// </list>
/// </summary>
public sealed class CosignVectorTests
{
    private const string CosignPublicKey = """
        -----BEGIN PUBLIC KEY-----
        MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAENptdY/l3nB0yqkXLBWkZWQwo6+cu
        OSWS1X9vPavpiQOoTTGC0xX57OojUadxF1cdQmrsiReWg2Wn4FneJfa8xw==
        -----END PUBLIC KEY-----
        """;

    private const string CosignSignature = "MEUCIQD6q/COgzOyW0YH1Dk+CCYSt4uAhm3FDHUwvPI55zwnlwIgE0ZK58ZOWpZw8YVmBapJhBqCfdPekIknimuO0xH8Jh8=";
    private const string BusyboxDigest = "sha256:f3cfc9d0dbf931d3db4685ec659b7ac68e2a578219da4aae65427886e649b06b";

    // From the trace: the digests the registry (Docker Hub) reported for what cosign pushed.
    private const string TracedImageDigest = "sha256:4c1c50d0ffc614f90b93b07d778028dc765548e823f676fb027f61d281ac380d";
    private const string TracedPayloadDigest = "sha256:b671489ededd1a180bd87235bba00fd83354f9c7d13b71d9f8b66a8e52965ebc";
    private const string TracedConfigDigest = "sha256:85ad8e17d3d7c00664855c638832bd99f32d42542c2d587851410a45a7f60b95";
    private const string TracedManifestDigest = "sha256:7ebe8964225fa4619b53aa35416ef0246c037e36ddf81776b21b15e1dda2262b";
    private const string TracedSignature = "MEYCIQCPH7NJAIfrB6BZN91dV0o7l/i11muXrvrAh100jDMMhAIhAPsLH0oXb2OPITXRpWBMUd3vHtz5Ks5pql2Hr6t/IJXw";

    [Fact]
    public async Task A_signature_cosign_made_verifies_with_its_public_key()
    {
        var key = SigningKeys.ImportPublicKey(CosignPublicKey, "cosign.pub");
        var payload = CosignSignatures.CreatePayload("registry-testing.svc.lan/busybox", BusyboxDigest);
        var layer = CosignSignatures.CreateLayer(payload, CosignSignature);
        var manifest = CosignSignatures.BuildSignatureManifest([], [(payload, CosignSignature)], DateTimeOffset.UnixEpoch).Manifest;

        var result = await CosignSignatures.VerifyAsync(manifest, Blobs((layer.Digest, payload)), [key], BusyboxDigest, CancellationToken.None);

        Assert.Equal(SignatureStatus.Verified, result.Status);
        Assert.Equal("registry-testing.svc.lan/busybox", result.SignedReference);
        Assert.Same(key, result.Key);
    }

    [Fact]
    public async Task The_same_cosign_signature_is_refused_for_another_key_or_a_changed_payload()
    {
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var otherKey = SigningKeys.ImportPublicKey(other.ExportSubjectPublicKeyInfoPem(), "other.pub");
        var payload = CosignSignatures.CreatePayload("registry-testing.svc.lan/busybox", BusyboxDigest);
        var manifest = CosignSignatures.BuildSignatureManifest([], [(payload, CosignSignature)], DateTimeOffset.UnixEpoch).Manifest;
        var wrongKey = await CosignSignatures.VerifyAsync(manifest, Blobs((Sha256(payload), payload)), [otherKey], BusyboxDigest, CancellationToken.None);
        Assert.Equal(SignatureStatus.UntrustedKey, wrongKey.Status);

        // One character of the reference changed: the signature no longer covers the bytes.
        var key = SigningKeys.ImportPublicKey(CosignPublicKey, "cosign.pub");
        var changed = CosignSignatures.CreatePayload("registry-testing.svc.lan/busyboy", BusyboxDigest);
        var changedManifest = CosignSignatures.BuildSignatureManifest([], [(changed, CosignSignature)], DateTimeOffset.UnixEpoch).Manifest;
        var tampered = await CosignSignatures.VerifyAsync(changedManifest, Blobs((Sha256(changed), changed)), [key], BusyboxDigest, CancellationToken.None);
        Assert.Equal(SignatureStatus.UntrustedKey, tampered.Status);
    }

    [Fact]
    public void The_payload_is_byte_for_byte_what_cosign_pushed()
    {
        var payload = CosignSignatures.CreatePayload("index.docker.io/chihjenhuang/cosign1", TracedImageDigest);

        Assert.Equal(252, payload.Length);
        Assert.Equal(TracedPayloadDigest, Sha256(payload));
    }

    [Fact]
    public void The_signature_manifest_is_byte_for_byte_what_cosign_pushed()
    {
        // cosign's config carries the signing time in nanoseconds, finer than .NET's 100 ns ticks,
        // so the traced config bytes are given; the manifest over them is ours.
        var config = Encoding.UTF8.GetBytes("""{"architecture":"","created":"2023-02-17T09:25:33.91047962-08:00","history":[{"created":"0001-01-01T00:00:00Z"}],"os":"","rootfs":{"type":"layers","diff_ids":["sha256:b671489ededd1a180bd87235bba00fd83354f9c7d13b71d9f8b66a8e52965ebc"]},"config":{}}""");
        Assert.Equal(TracedConfigDigest, Sha256(config));
        var payload = CosignSignatures.CreatePayload("index.docker.io/chihjenhuang/cosign1", TracedImageDigest);
        var layer = CosignSignatures.CreateLayer(payload, TracedSignature);

        var manifest = SignatureManifest.Write(config, [layer]);

        Assert.Equal(558, manifest.Length);
        Assert.Equal(TracedManifestDigest, Sha256(manifest));
        Assert.Equal("sha256-4c1c50d0ffc614f90b93b07d778028dc765548e823f676fb027f61d281ac380d.sig", CosignSignatures.SignatureTag(TracedImageDigest));
    }

    [Fact]
    public void The_config_is_in_cosigns_shape_with_the_layers_as_diff_ids()
    {
        var payload = CosignSignatures.CreatePayload("index.docker.io/chihjenhuang/cosign1", TracedImageDigest);
        var layer = CosignSignatures.CreateLayer(payload, TracedSignature);
        // The traced time to 100 ns: the same bytes but for the last digit cosign had and we cannot.
        var created = new DateTimeOffset(2023, 2, 17, 9, 25, 33, TimeSpan.FromHours(-8)).AddTicks(9104796);

        var config = Encoding.UTF8.GetString(SignatureManifest.WriteConfig([layer], created));

        Assert.Equal("""{"architecture":"","created":"2023-02-17T09:25:33.9104796-08:00","history":[{"created":"0001-01-01T00:00:00Z"}],"os":"","rootfs":{"type":"layers","diff_ids":["sha256:b671489ededd1a180bd87235bba00fd83354f9c7d13b71d9f8b66a8e52965ebc"]},"config":{}}""", config);
        Assert.Equal("2026-12-07T21:00:00Z", SignatureManifest.Rfc3339(new DateTimeOffset(2026, 12, 7, 21, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void The_traced_manifest_parses_into_its_layer_and_signature()
    {
        var json = """{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","size":247,"digest":"sha256:85ad8e17d3d7c00664855c638832bd99f32d42542c2d587851410a45a7f60b95"},"layers":[{"mediaType":"application/vnd.dev.cosign.simplesigning.v1+json","size":252,"digest":"sha256:b671489ededd1a180bd87235bba00fd83354f9c7d13b71d9f8b66a8e52965ebc","annotations":{"dev.cosignproject.cosign/signature":"MEYCIQCPH7NJAIfrB6BZN91dV0o7l/i11muXrvrAh100jDMMhAIhAPsLH0oXb2OPITXRpWBMUd3vHtz5Ks5pql2Hr6t/IJXw"}}]}"""u8;

        var layers = CosignSignatures.ParseSignatureManifest(json, out var problem);

        Assert.Null(problem);
        var layer = Assert.Single(layers!);
        Assert.Equal(CosignSignatures.PayloadMediaType, layer.MediaType);
        Assert.Equal(TracedPayloadDigest, layer.Digest);
        Assert.Equal(252, layer.Size);
        Assert.Equal(TracedSignature, layer.Signature);
        Assert.True(CosignSignatures.IsDerEcdsaSignature(Convert.FromBase64String(TracedSignature)));
    }

    internal static SignatureBlobFetcher Blobs(params (string Digest, byte[] Content)[] blobs) => (digest, _) =>
        blobs.FirstOrDefault(b => b.Digest == digest) is { Content: { } content }
            ? Task.FromResult(content)
            : throw new InvalidOperationException($"blob {digest} is not in the test registry");

    internal static string Sha256(byte[] content) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));
}
