using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MicroAI.ModelRegistry.Signing;
using static MicroAI.ModelRegistry.Tests.Signing.CosignVectorTests;

namespace MicroAI.ModelRegistry.Tests.Signing;

/// <summary>Signing and verifying with keys made here: every way a signature can fail names its reason.</summary>
public sealed class CosignSignaturesTests : IDisposable
{
    private const string Repository = "registry.local:5000/models/stories";
    private static readonly string s_digest = Sha256(Encoding.UTF8.GetBytes("the model's manifest"));
    private static readonly string s_otherDigest = Sha256(Encoding.UTF8.GetBytes("another manifest"));

    private readonly ECDsa _signer = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa _stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly TrustedKey _trusted;
    private readonly TrustedKey _strangerKey;

    public CosignSignaturesTests()
    {
        _trusted = SigningKeys.ImportPublicKey(_signer.ExportSubjectPublicKeyInfoPem(), "signer.pub");
        _strangerKey = SigningKeys.ImportPublicKey(_stranger.ExportSubjectPublicKeyInfoPem(), "stranger.pub");
    }

    public void Dispose()
    {
        _signer.Dispose();
        _stranger.Dispose();
    }

    [Fact]
    public async Task Sign_then_verify_round_trips_and_names_the_key()
    {
        var (artifact, blobs) = Signed(_signer, s_digest);

        var result = await CosignSignatures.VerifyAsync(artifact.Manifest, blobs, [_strangerKey, _trusted], s_digest, CancellationToken.None);

        Assert.True(result.IsVerified, result.Message);
        Assert.Equal(_trusted, result.Key);
        Assert.Equal(Repository, result.SignedReference);
        Assert.Contains("signer.pub", result.Message);
    }

    [Fact]
    public void The_signature_is_DER_and_the_payload_is_the_spec_layout()
    {
        var payload = CosignSignatures.CreatePayload(Repository, s_digest);
        var signature = Convert.FromBase64String(CosignSignatures.Sign(payload, _signer));

        // DER: SEQUENCE { INTEGER r, INTEGER s }, 70-72 bytes; IEEE P1363 would be exactly 64.
        var sequence = new AsnReader(signature, AsnEncodingRules.DER).ReadSequence();
        var r = sequence.ReadInteger();
        var s = sequence.ReadInteger();
        Assert.False(sequence.HasData);
        Assert.True(r.Sign > 0 && s.Sign > 0);
        Assert.True(_signer.VerifyData(payload, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));

        using var json = JsonDocument.Parse(payload);
        var root = json.RootElement;
        Assert.Equal(["critical", "optional"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.Null, root.GetProperty("optional").ValueKind);
        var critical = root.GetProperty("critical");
        Assert.Equal(["identity", "image", "type"], critical.EnumerateObject().Select(p => p.Name));
        Assert.Equal(Repository, critical.GetProperty("identity").GetProperty("docker-reference").GetString());
        Assert.Equal(s_digest, critical.GetProperty("image").GetProperty("docker-manifest-digest").GetString());
        Assert.Equal("cosign container image signature", critical.GetProperty("type").GetString());
    }

    [Fact]
    public void Optional_claims_are_written_with_sorted_keys()
    {
        var payload = CosignSignatures.CreatePayload(Repository, s_digest, new Dictionary<string, string> { ["signed-by"] = "ci", ["commit"] = "abc+1" });

        Assert.EndsWith("""
            "optional":{"commit":"abc+1","signed-by":"ci"}}
            """, Encoding.UTF8.GetString(payload));
    }

    [Fact]
    public async Task A_signature_by_an_untrusted_key_is_refused()
    {
        var (artifact, blobs) = Signed(_stranger, s_digest);

        var result = await CosignSignatures.VerifyAsync(artifact.Manifest, blobs, [_trusted], s_digest, CancellationToken.None);

        Assert.Equal(SignatureStatus.UntrustedKey, result.Status);
        Assert.Contains("none by a trusted key", result.Message);
        Assert.Contains(_trusted.Fingerprint, result.Message);
    }

    [Fact]
    public async Task A_signature_over_another_digest_is_refused_naming_both()
    {
        var (artifact, blobs) = Signed(_signer, s_otherDigest);

        var result = await CosignSignatures.VerifyAsync(artifact.Manifest, blobs, [_trusted], s_digest, CancellationToken.None);

        Assert.Equal(SignatureStatus.DigestMismatch, result.Status);
        Assert.Contains(s_otherDigest, result.Message);
        Assert.Contains(s_digest, result.Message);
    }

    [Fact]
    public async Task A_payload_rewritten_to_name_another_digest_fails_the_signature()
    {
        // The attacker swaps the payload for one naming their manifest and fixes up the layer's
        // digest and size; the signature, made over the original bytes, no longer matches.
        var payload = CosignSignatures.CreatePayload(Repository, s_otherDigest);
        var signature = CosignSignatures.Sign(payload, _signer);
        var forged = CosignSignatures.CreatePayload(Repository, s_digest);
        var manifest = CosignSignatures.BuildSignatureManifest([], [(forged, signature)], DateTimeOffset.UnixEpoch).Manifest;

        var result = await CosignSignatures.VerifyAsync(manifest, Blobs((Sha256(forged), forged)), [_trusted], s_digest, CancellationToken.None);

        Assert.Equal(SignatureStatus.UntrustedKey, result.Status);
    }

    [Fact]
    public async Task A_payload_blob_that_is_not_its_digest_is_refused()
    {
        var (artifact, _) = Signed(_signer, s_digest);
        var layer = artifact.Layers.Single();
        var tampered = CosignSignatures.CreatePayload(Repository, s_otherDigest);

        var result = await CosignSignatures.VerifyAsync(artifact.Manifest, Blobs((layer.Digest, tampered)), [_trusted], s_digest, CancellationToken.None);

        Assert.Equal(SignatureStatus.Malformed, result.Status);
        Assert.Contains("does not match its digest", result.Message);
    }

    [Fact]
    public async Task With_several_layers_one_good_signature_is_enough_wherever_it_is()
    {
        var good = CosignSignatures.CreatePayload(Repository, s_digest);
        var stale = CosignSignatures.CreatePayload(Repository, s_otherDigest);
        var blobs = Blobs((Sha256(good), good), (Sha256(stale), stale));
        (byte[], string)[] others = [(good, CosignSignatures.Sign(good, _stranger)), (stale, CosignSignatures.Sign(stale, _signer)), (good, "bm90IGEgc2lnbmF0dXJl")];
        (byte[], string) mine = (good, CosignSignatures.Sign(good, _signer));

        foreach (var order in new[] { others.Append(mine), others.Prepend(mine) })
        {
            var manifest = CosignSignatures.BuildSignatureManifest([], [.. order], DateTimeOffset.UnixEpoch).Manifest;
            var result = await CosignSignatures.VerifyAsync(manifest, blobs, [_trusted], s_digest, CancellationToken.None);
            Assert.True(result.IsVerified, result.Message);
        }

        // Without the good one, the most telling failure is reported: the trusted key signed another digest.
        var without = CosignSignatures.BuildSignatureManifest([], others, DateTimeOffset.UnixEpoch).Manifest;
        var refused = await CosignSignatures.VerifyAsync(without, blobs, [_trusted], s_digest, CancellationToken.None);
        Assert.Equal(SignatureStatus.DigestMismatch, refused.Status);
    }

    [Fact]
    public void Appending_keeps_the_existing_layers_and_adds_a_repeated_signature_once()
    {
        var (first, _) = Signed(_stranger, s_digest);
        var existing = CosignSignatures.ParseSignatureManifest(first.Manifest, out _)!;
        var payload = CosignSignatures.CreatePayload(Repository, s_digest);
        var signature = CosignSignatures.Sign(payload, _signer);

        var second = CosignSignatures.BuildSignatureManifest(existing, [(payload, signature), (payload, signature)], DateTimeOffset.UnixEpoch);

        Assert.Equal(2, second.Layers.Count);
        Assert.Equal(first.Layers[0].Digest, second.Layers[0].Digest);
        Assert.Equal(first.Layers[0].Signature, second.Layers[0].Signature);
        Assert.Equal(signature, second.Layers[1].Signature);
        // Both layers carry the same payload: only the config is new to upload.
        Assert.Equal([CosignSignatures.ConfigMediaType], second.Blobs.Select(b => b.MediaType));
        Assert.Equal(second.ManifestDigest, Sha256(second.Manifest));
        Assert.All(second.Blobs, b => Assert.Equal(b.Digest, Sha256(b.Content)));
        Assert.Contains(second.Blobs[0].Digest, Encoding.UTF8.GetString(second.Manifest));
    }

    [Fact]
    public async Task No_cosign_layer_malformed_json_and_bad_signatures_are_told_apart()
    {
        var none = """{"schemaVersion":2,"layers":[{"mediaType":"application/octet-stream","size":1,"digest":"sha256:00"}]}"""u8.ToArray();
        Assert.Equal(SignatureStatus.NoSignature, (await Verify(none)).Status);
        Assert.Equal(SignatureStatus.Malformed, (await Verify("not json"u8.ToArray())).Status);
        Assert.Equal(SignatureStatus.Malformed, (await Verify("""{"layers":{}}"""u8.ToArray())).Status);

        var payload = CosignSignatures.CreatePayload(Repository, s_digest);
        foreach (var bad in new[] { "***", "bm90IGRlcg==", "" })
        {
            var manifest = CosignSignatures.BuildSignatureManifest([], [(payload, bad)], DateTimeOffset.UnixEpoch).Manifest;
            var result = await CosignSignatures.VerifyAsync(manifest, Blobs((Sha256(payload), payload)), [_trusted], s_digest, CancellationToken.None);
            Assert.Equal(SignatureStatus.Malformed, result.Status);
        }

        Task<SignatureVerification> Verify(byte[] manifest) =>
            CosignSignatures.VerifyAsync(manifest, Blobs(), [_trusted], s_digest, CancellationToken.None);
    }

    [Fact]
    public async Task An_oversized_payload_is_not_fetched()
    {
        var manifest = Encoding.UTF8.GetBytes($$$"""{"layers":[{"mediaType":"{{{CosignSignatures.PayloadMediaType}}}","size":5000000000,"digest":"{{{s_digest}}}","annotations":{"{{{CosignSignatures.SignatureAnnotation}}}":"{{{CosignSignatures.Sign("x"u8, _signer)}}}"}}]}""");
        var fetched = false;

        var result = await CosignSignatures.VerifyAsync(manifest, (_, _) => { fetched = true; return Task.FromResult(Array.Empty<byte>()); }, [_trusted], s_digest, CancellationToken.None);

        Assert.Equal(SignatureStatus.Malformed, result.Status);
        Assert.False(fetched);
    }

    [Fact]
    public async Task A_manifest_with_too_many_layers_is_refused_before_any_fetch()
    {
        var payload = CosignSignatures.CreatePayload(Repository, s_digest);
        var layer = CosignSignatures.CreateLayer(payload, CosignSignatures.Sign(payload, _signer));
        var manifest = SignatureManifest.Write("{}"u8.ToArray(), [.. Enumerable.Repeat(layer, CosignSignatures.MaxSignatureLayers + 1)]);
        var fetched = 0;

        var result = await CosignSignatures.VerifyAsync(manifest, (_, _) => { fetched++; return Task.FromResult(payload); }, [_trusted], s_digest, CancellationToken.None);

        Assert.Equal(SignatureStatus.Malformed, result.Status);
        Assert.Contains("101 signature layers", result.Message);
        Assert.Equal(0, fetched);
    }

    [Fact]
    public async Task A_payload_spelled_as_in_the_spec_example_is_read_as_Go_reads_it()
    {
        // SIGNATURE_SPEC.md writes "Docker-manifest-digest"; Go's encoding/json matches names case-insensitively.
        var payload = Encoding.UTF8.GetBytes($$$"""{"critical":{"identity":{"docker-reference":"{{{Repository}}}"},"image":{"Docker-manifest-digest":"{{{s_digest}}}"},"type":"cosign container image signature"},"optional":{"creator":"Bob the Builder","timestamp":1458239713}}""");
        var manifest = CosignSignatures.BuildSignatureManifest([], [(payload, CosignSignatures.Sign(payload, _signer))], DateTimeOffset.UnixEpoch).Manifest;

        var result = await CosignSignatures.VerifyAsync(manifest, Blobs((Sha256(payload), payload)), [_trusted], s_digest, CancellationToken.None);

        Assert.True(result.IsVerified, result.Message);
    }

    [Fact]
    public void Bad_arguments_are_refused_before_anything_is_signed()
    {
        Assert.Throws<ArgumentException>(() => CosignSignatures.CreatePayload(Repository, "sha256:XYZ"));
        Assert.Throws<ArgumentException>(() => CosignSignatures.CreatePayload(Repository + "@" + s_digest, s_digest));
        Assert.Throws<ArgumentException>(() => CosignSignatures.SignatureTag("latest"));
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        Assert.Throws<SigningKeyException>(() => CosignSignatures.Sign("x"u8, p384));
    }

    private static (SignatureArtifact Artifact, SignatureBlobFetcher Blobs) Signed(ECDsa key, string digest)
    {
        var payload = CosignSignatures.CreatePayload(Repository, digest);
        var artifact = CosignSignatures.BuildSignatureManifest([], [(payload, CosignSignatures.Sign(payload, key))], DateTimeOffset.UtcNow);
        return (artifact, Blobs([.. artifact.Blobs.Select(b => (b.Digest, b.Content))]));
    }
}
