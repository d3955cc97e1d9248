using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using MicroAI.ModelRegistry.Store;

namespace MicroAI.ModelRegistry.Signing;

/// <summary>
/// cosign's key-based signatures (sigstore/cosign specs/SIGNATURE_SPEC.md): a simple-signing JSON
/// payload that names the manifest digest, signed with ECDSA P-256 over its SHA-256 (ASN.1 DER,
/// base64), stored as a layer of an OCI image manifest under the tag <c>sha256-HEX.sig</c> in the
/// signed manifest's repository. Plain data in and out: the OCI client moves the bytes.
/// </summary>
public static class CosignSignatures
{
    public const string PayloadMediaType = "application/vnd.dev.cosign.simplesigning.v1+json";
    public const string SignatureAnnotation = "dev.cosignproject.cosign/signature";
    public const string SignatureType = "cosign container image signature";
    public const string ManifestMediaType = "application/vnd.oci.image.manifest.v1+json";
    public const string ConfigMediaType = "application/vnd.oci.image.config.v1+json";

    /// <summary>
    /// A payload bigger than this is refused before it is fetched. cosign's are ~250 bytes, a few KB
    /// with -a annotations; the limit keeps a hostile manifest from making us download gigabytes.
    /// </summary>
    public const long MaxPayloadBytes = 64 * 1024;

    /// <summary>
    /// More signature layers than this are refused unread. cosign adds one per signing, so a real
    /// manifest has a handful; without a cap a hostile one could make a pull fetch and check
    /// thousands of payloads (100 × 64 KiB bounds the work at 6.4 MB).
    /// </summary>
    public const int MaxSignatureLayers = 100;

    /// <summary>
    /// Go's encoding/json leaves '+' (common in base64) unescaped; the default .NET encoder would
    /// write \u002B, valid JSON but not cosign's bytes.
    /// </summary>
    internal static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The tag cosign stores the signatures of <paramref name="manifestDigest"/> under: "sha256-HEX.sig".</summary>
    public static string SignatureTag(string manifestDigest)
    {
        RequireDigest(manifestDigest, nameof(manifestDigest));
        return "sha256-" + manifestDigest[Digest.Prefix.Length..] + ".sig";
    }

    /// <summary>
    /// The simple-signing payload, byte for byte as cosign writes it (keys in this order, compact,
    /// "optional":null when there are no annotations).
    /// </summary>
    /// <param name="dockerReference">The repository signed, without tag or digest ("registry.local:5000/models/llama"), as cosign writes it.</param>
    /// <param name="manifestDigest">"sha256:HEX" of the manifest signed.</param>
    /// <param name="optional">Claims for the "optional" section (cosign sign -a key=value); written with keys sorted, as Go does.</param>
    public static byte[] CreatePayload(string dockerReference, string manifestDigest, IReadOnlyDictionary<string, string>? optional = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dockerReference);
        if (dockerReference.Contains('@'))
            throw new ArgumentException("The docker-reference names a repository, without a digest.", nameof(dockerReference));
        RequireDigest(manifestDigest, nameof(manifestDigest));
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, JsonOptions))
        {
            w.WriteStartObject();
            w.WriteStartObject("critical");
            w.WriteStartObject("identity");
            w.WriteString("docker-reference", dockerReference);
            w.WriteEndObject();
            w.WriteStartObject("image");
            w.WriteString("docker-manifest-digest", manifestDigest);
            w.WriteEndObject();
            w.WriteString("type", SignatureType);
            w.WriteEndObject();
            if (optional is { Count: > 0 })
            {
                w.WriteStartObject("optional");
                foreach (var (key, value) in optional.OrderBy(o => o.Key, StringComparer.Ordinal))
                    w.WriteString(key, value);
                w.WriteEndObject();
            }
            else
            {
                w.WriteNull("optional");
            }
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>
    /// ECDSA P-256 over SHA-256 of <paramref name="payload"/>, base64 of the ASN.1 DER signature.
    /// DER, not .NET's default IEEE P1363 r||s: cosign verifies with Go's ecdsa.VerifyASN1.
    /// </summary>
    public static string Sign(ReadOnlySpan<byte> payload, ECDsa key)
    {
        SigningKeys.RequireP256(key, "the signing key");
        return Convert.ToBase64String(key.SignData(payload, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
    }

    /// <summary>The layer descriptor for a payload and its signature.</summary>
    public static SignatureLayer CreateLayer(byte[] payload, string signature) =>
        new(PayloadMediaType, DigestOf(payload), payload.LongLength, new Dictionary<string, string> { [SignatureAnnotation] = signature });

    /// <summary>The layers of an existing signature manifest (to append to, as cosign does); null with a reason when malformed.</summary>
    public static IReadOnlyList<SignatureLayer>? ParseSignatureManifest(ReadOnlySpan<byte> json, out string? problem) =>
        SignatureManifest.TryParse(json, out problem);

    /// <summary>
    /// The signature manifest holding <paramref name="existing"/> layers (kept as they are: another
    /// signer's signatures stay valid) followed by one layer per new payload. A new layer identical
    /// to an existing one (same payload, same signature) is not added twice.
    /// </summary>
    /// <param name="created">The config's "created" time (cosign writes the signing time).</param>
    public static SignatureArtifact BuildSignatureManifest(IReadOnlyList<SignatureLayer> existing, IReadOnlyList<(byte[] Payload, string Signature)> added, DateTimeOffset created)
    {
        var layers = new List<SignatureLayer>(existing);
        var blobs = new List<SignatureBlob>();
        foreach (var (payload, signature) in added)
        {
            var layer = CreateLayer(payload, signature);
            if (layers.Any(l => l.Digest == layer.Digest && l.Signature == signature))
                continue;
            // A payload an existing layer refers to is in the repository already (a registry
            // refuses a manifest whose blobs it lacks), so only new payloads are uploaded.
            if (!layers.Any(l => l.Digest == layer.Digest) && !blobs.Any(b => b.Digest == layer.Digest))
                blobs.Add(new SignatureBlob(layer.Digest, PayloadMediaType, payload));
            layers.Add(layer);
        }
        var config = SignatureManifest.WriteConfig(layers, created);
        blobs.Insert(0, new SignatureBlob(DigestOf(config), ConfigMediaType, config));
        var manifest = SignatureManifest.Write(config, layers);
        return new SignatureArtifact(manifest, DigestOf(manifest), layers, blobs);
    }

    /// <summary>
    /// Checks a signature manifest (the JSON found under <see cref="SignatureTag"/>) against the
    /// trusted keys and the digest of the manifest being pulled. Each simple-signing layer's payload
    /// is fetched (its bytes must hash to the layer's digest), its signature checked against every
    /// trusted key, and only then is the payload read: its critical.image.docker-manifest-digest
    /// must equal <paramref name="manifestDigest"/>. The docker-reference is reported, not enforced:
    /// cosign's spec says it is ignored, and `cosign copy` mirrors keep the original name.
    /// Errors fetching a blob propagate: that is a failed pull, not a verdict.
    /// </summary>
    public static async Task<SignatureVerification> VerifyAsync(ReadOnlyMemory<byte> signatureManifest, SignatureBlobFetcher fetchBlob,
        IReadOnlyList<TrustedKey> trustedKeys, string manifestDigest, CancellationToken cancellationToken)
    {
        RequireDigest(manifestDigest, nameof(manifestDigest));
        var layers = SignatureManifest.TryParse(signatureManifest.Span, out var problem);
        if (layers is null)
            return new SignatureVerification(SignatureStatus.Malformed, $"The signature of {manifestDigest} cannot be read: {problem}.");
        var signatures = layers.Where(l => l.MediaType == PayloadMediaType).ToList();
        if (signatures.Count == 0)
            return new SignatureVerification(SignatureStatus.NoSignature, $"The signature manifest of {manifestDigest} has no cosign signature layer.");
        if (signatures.Count > MaxSignatureLayers)
            return new SignatureVerification(SignatureStatus.Malformed, $"The signature manifest of {manifestDigest} has {signatures.Count} signature layers, more than the {MaxSignatureLayers} MicroAI checks.");

        var best = new SignatureVerification(SignatureStatus.NoSignature, "");
        var problems = new List<string>();
        for (var i = 0; i < signatures.Count; i++)
        {
            var verdict = await VerifyLayerAsync(signatures[i], fetchBlob, trustedKeys, manifestDigest, cancellationToken).ConfigureAwait(false);
            if (verdict.Status == SignatureStatus.Verified)
                return verdict;
            if (verdict.Status == SignatureStatus.Malformed)
                problems.Add($"layer {i}: {verdict.Message}");
            if (verdict.Status > best.Status)
                best = verdict;
        }
        return best.Status switch
        {
            SignatureStatus.DigestMismatch => best,
            SignatureStatus.UntrustedKey => best with
            {
                Message = $"{Count(signatures.Count)} on {manifestDigest}, none by a trusted key " +
                    (trustedKeys.Count == 0 ? "(no key is trusted)" : $"({string.Join(", ", trustedKeys.Select(k => $"{k.Source} {k.Fingerprint}"))})") +
                    (problems.Count > 0 ? $"; also {string.Join("; ", problems)}" : "") + ".",
            },
            _ => new SignatureVerification(SignatureStatus.Malformed, $"{Count(signatures.Count)} on {manifestDigest}, none usable: {string.Join("; ", problems)}."),
        };

        static string Count(int n) => n == 1 ? "1 signature" : $"{n} signatures";
    }

    private static async Task<SignatureVerification> VerifyLayerAsync(SignatureLayer layer, SignatureBlobFetcher fetchBlob,
        IReadOnlyList<TrustedKey> trustedKeys, string manifestDigest, CancellationToken cancellationToken)
    {
        if (layer.Signature is not { Length: > 0 } encoded)
            return new(SignatureStatus.Malformed, $"no {SignatureAnnotation} annotation");
        byte[] signature;
        try
        {
            signature = Convert.FromBase64String(encoded);
        }
        catch (FormatException)
        {
            return new(SignatureStatus.Malformed, "the signature is not base64");
        }
        if (!IsDerEcdsaSignature(signature))
            return new(SignatureStatus.Malformed, "the signature is not an ASN.1 DER ECDSA signature");
        if (!Digest.IsValid(layer.Digest))
            return new(SignatureStatus.Malformed, $"the payload digest '{layer.Digest}' is not a sha256 digest");
        if (layer.Size > MaxPayloadBytes)
            return new(SignatureStatus.Malformed, $"the payload is {layer.Size} bytes, more than a signature payload's {MaxPayloadBytes}");

        var payload = await fetchBlob(layer.Digest, cancellationToken).ConfigureAwait(false);
        if (payload.LongLength != layer.Size || DigestOf(payload) != layer.Digest)
            return new(SignatureStatus.Malformed, $"the payload blob does not match its digest {layer.Digest}");

        var signer = trustedKeys.FirstOrDefault(k => SignedBy(k, payload, signature));
        if (signer is null)
            return new(SignatureStatus.UntrustedKey, "signed by a key that is not trusted");

        if (!TryReadPayload(payload, out var signedDigest, out var signedReference, out var problem))
            return new(SignatureStatus.Malformed, $"the payload signed by {signer.Source} is not a cosign simple-signing payload: {problem}", signer);
        if (!string.Equals(signedDigest, manifestDigest, StringComparison.Ordinal))
        {
            return new(SignatureStatus.DigestMismatch,
                $"The signature by {signer.Source} ({signer.Fingerprint}) is for manifest {signedDigest}, not {manifestDigest}: the manifest was changed after signing, or the signature was taken from another manifest.",
                signer, signedReference);
        }
        return new(SignatureStatus.Verified, $"{manifestDigest} is signed by {signer.Source} ({signer.Fingerprint}) as {signedReference}.", signer, signedReference);
    }

    private static bool SignedBy(TrustedKey key, byte[] payload, byte[] signature)
    {
        using var ecdsa = key.Open();
        try
        {
            return ecdsa.VerifyData(payload, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <summary>SEQUENCE { INTEGER r, INTEGER s } in DER, nothing after: tells a foreign key's signature from garbage.</summary>
    internal static bool IsDerEcdsaSignature(byte[] signature)
    {
        try
        {
            var reader = new AsnReader(signature, AsnEncodingRules.DER);
            var sequence = reader.ReadSequence();
            sequence.ReadInteger();
            sequence.ReadInteger();
            sequence.ThrowIfNotEmpty();
            reader.ThrowIfNotEmpty();
            return true;
        }
        catch (AsnContentException)
        {
            return false;
        }
    }

    /// <summary>
    /// critical.type and critical.image.docker-manifest-digest of a signed payload. Property names
    /// match case-insensitively, as Go's encoding/json does (the spec's own example writes
    /// "Docker-manifest-digest").
    /// </summary>
    internal static bool TryReadPayload(byte[] payload, out string? manifestDigest, out string? dockerReference, out string? problem)
    {
        manifestDigest = dockerReference = problem = null;
        try
        {
            using var document = JsonDocument.Parse(payload, new JsonDocumentOptions { MaxDepth = 16 });
            var critical = Property(document.RootElement, "critical");
            if (critical is not { ValueKind: JsonValueKind.Object } c)
            {
                problem = "no critical section";
                return false;
            }
            if (Property(c, "type") is not { ValueKind: JsonValueKind.String } type || type.GetString() != SignatureType)
            {
                problem = $"critical.type is not '{SignatureType}'";
                return false;
            }
            if (Property(c, "image") is not { ValueKind: JsonValueKind.Object } image
                || Property(image, "docker-manifest-digest") is not { ValueKind: JsonValueKind.String } digest)
            {
                problem = "no critical.image.docker-manifest-digest";
                return false;
            }
            manifestDigest = digest.GetString();
            if (Property(c, "identity") is { ValueKind: JsonValueKind.Object } identity
                && Property(identity, "docker-reference") is { ValueKind: JsonValueKind.String } reference)
                dockerReference = reference.GetString();
            return true;
        }
        catch (JsonException ex)
        {
            problem = "not JSON: " + ex.Message;
            return false;
        }

        static JsonElement? Property(JsonElement element, string name)
        {
            if (element.ValueKind != JsonValueKind.Object)
                return null;
            foreach (var property in element.EnumerateObject())
            {
                if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
                    return property.Value;
            }
            return null;
        }
    }

    internal static string DigestOf(ReadOnlySpan<byte> content) => Digest.FromHash(SHA256.HashData(content));

    private static void RequireDigest(string digest, string parameter)
    {
        if (!Digest.IsValid(digest))
            throw new ArgumentException($"'{digest}' is not a digest of the form sha256:<64 lowercase hex>.", parameter);
    }
}
