using System.Text.Json;

namespace MicroAI.ModelRegistry.Signing;

/// <summary>
/// One layer of a cosign signature manifest: the descriptor of a simple-signing payload blob, with
/// the signature (and whatever else cosign put there: certificate, bundle) in its annotations.
/// </summary>
public sealed record SignatureLayer(string MediaType, string Digest, long Size, IReadOnlyDictionary<string, string> Annotations)
{
    public string? Signature => Annotations.GetValueOrDefault(CosignSignatures.SignatureAnnotation);
}

/// <summary>A blob the signature manifest refers to, to upload before the manifest.</summary>
public sealed record SignatureBlob(string Digest, string MediaType, byte[] Content);

/// <summary>
/// A signature manifest ready to push under <see cref="CosignSignatures.SignatureTag"/>: upload
/// <see cref="Blobs"/> (the config and the new payloads; blobs of layers that were already there
/// are in the repository), then PUT <see cref="Manifest"/> with media type
/// <see cref="CosignSignatures.ManifestMediaType"/>.
/// </summary>
public sealed record SignatureArtifact(byte[] Manifest, string ManifestDigest, IReadOnlyList<SignatureLayer> Layers, IReadOnlyList<SignatureBlob> Blobs);

/// <summary>Reads and writes the OCI image manifest cosign stores signatures in.</summary>
internal static class SignatureManifest
{
    /// <summary>
    /// The layers of a signature manifest, or null with <paramref name="problem"/> when it is not an
    /// OCI/Docker image manifest with a layers array of well-formed descriptors.
    /// </summary>
    public static IReadOnlyList<SignatureLayer>? TryParse(ReadOnlySpan<byte> json, out string? problem)
    {
        problem = null;
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 16 });
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("layers", out var layers) || layers.ValueKind != JsonValueKind.Array)
            {
                problem = "the signature manifest has no layers array";
                return null;
            }
            var list = new List<SignatureLayer>(layers.GetArrayLength());
            foreach (var layer in layers.EnumerateArray())
            {
                if (layer.ValueKind != JsonValueKind.Object
                    || !layer.TryGetProperty("mediaType", out var mediaType) || mediaType.ValueKind != JsonValueKind.String
                    || !layer.TryGetProperty("digest", out var digest) || digest.ValueKind != JsonValueKind.String
                    || !layer.TryGetProperty("size", out var size) || !size.TryGetInt64(out var length) || length < 0)
                {
                    problem = $"layer {list.Count} of the signature manifest is not a descriptor (mediaType, digest, size)";
                    return null;
                }
                var annotations = new Dictionary<string, string>(StringComparer.Ordinal);
                if (layer.TryGetProperty("annotations", out var map) && map.ValueKind == JsonValueKind.Object)
                {
                    foreach (var entry in map.EnumerateObject())
                    {
                        if (entry.Value.ValueKind == JsonValueKind.String)
                            annotations[entry.Name] = entry.Value.GetString()!;
                    }
                }
                list.Add(new SignatureLayer(mediaType.GetString()!, digest.GetString()!, length, annotations));
            }
            return list;
        }
        catch (JsonException ex)
        {
            problem = $"the signature manifest is not JSON: {ex.Message}";
            return null;
        }
    }

    /// <summary>
    /// The manifest as cosign writes it: compact JSON, fields in go-containerregistry's order,
    /// annotation keys sorted (Go marshals maps that way), so the bytes match cosign's for the same input.
    /// </summary>
    public static byte[] Write(byte[] config, IReadOnlyList<SignatureLayer> layers)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, CosignSignatures.JsonOptions))
        {
            w.WriteStartObject();
            w.WriteNumber("schemaVersion", 2);
            w.WriteString("mediaType", CosignSignatures.ManifestMediaType);
            w.WriteStartObject("config");
            w.WriteString("mediaType", CosignSignatures.ConfigMediaType);
            w.WriteNumber("size", config.Length);
            w.WriteString("digest", CosignSignatures.DigestOf(config));
            w.WriteEndObject();
            w.WriteStartArray("layers");
            foreach (var layer in layers)
            {
                w.WriteStartObject();
                w.WriteString("mediaType", layer.MediaType);
                w.WriteNumber("size", layer.Size);
                w.WriteString("digest", layer.Digest);
                if (layer.Annotations.Count > 0)
                {
                    w.WriteStartObject("annotations");
                    foreach (var (key, value) in layer.Annotations.OrderBy(a => a.Key, StringComparer.Ordinal))
                        w.WriteString(key, value);
                    w.WriteEndObject();
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>
    /// The image config cosign pairs with a signature manifest: empty but for the payload digests as
    /// the rootfs diff_ids. Registries require a config blob; nothing reads it.
    /// </summary>
    public static byte[] WriteConfig(IReadOnlyList<SignatureLayer> layers, DateTimeOffset created)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, CosignSignatures.JsonOptions))
        {
            w.WriteStartObject();
            w.WriteString("architecture", "");
            w.WriteString("created", Rfc3339(created));
            w.WriteStartArray("history");
            w.WriteStartObject();
            w.WriteString("created", "0001-01-01T00:00:00Z");
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteString("os", "");
            w.WriteStartObject("rootfs");
            w.WriteString("type", "layers");
            w.WriteStartArray("diff_ids");
            foreach (var layer in layers)
                w.WriteStringValue(layer.Digest);
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteStartObject("config");
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>RFC 3339 as Go's time.RFC3339Nano writes it: fraction without trailing zeros, "Z" for UTC.</summary>
    internal static string Rfc3339(DateTimeOffset time)
    {
        var text = time.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff", System.Globalization.CultureInfo.InvariantCulture).TrimEnd('0').TrimEnd('.');
        return text + (time.Offset == TimeSpan.Zero ? "Z" : time.ToString("zzz", System.Globalization.CultureInfo.InvariantCulture));
    }
}
