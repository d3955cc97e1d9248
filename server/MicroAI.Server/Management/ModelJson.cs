using System.Text.Json;
using MicroAI.ModelRegistry;

namespace MicroAI.Server.Management;

/// <summary>
/// One JSON shape for "what this model is", used by GET /v1/models (under "metadata"),
/// GET /api/models and the CLI's --json output.
/// </summary>
internal static class ModelJson
{
    public static void WriteMetadata(Utf8JsonWriter w, ModelEntry e, bool? loaded)
    {
        var m = e.Manifest;
        w.WriteStartObject();
        w.WriteString("format", e.Format.Name());
        w.WriteNumber("size", e.SizeBytes);
        w.WriteString("source", e.Source);
        WriteIf(w, "architecture", m?.Architecture);
        if (m?.ParameterCount is { } p) w.WriteNumber("parameters", p);
        WriteIf(w, "quantization", m?.Quantization);
        if (m?.Lineage is { } lineage)
            WriteLineage(w, lineage);
        if (m?.ContextLength is { } c) w.WriteNumber("context_length", c);
        if (m?.EmbeddingLength is { } el) w.WriteNumber("embedding_length", el);
        WriteIf(w, "pooling", m?.PoolingType);
        if (m?.VocabularySize is { } v) w.WriteNumber("vocabulary_size", v);
        w.WriteStartArray("capabilities");
        foreach (var cap in e.Capabilities)
            w.WriteStringValue(cap);
        w.WriteEndArray();
        if (m?.Onnx is { } onnx) w.WriteString("task", onnx.Task);
        if (EmbeddingConventions.Normalizes(e) is { } normalized) w.WriteBoolean("embeddings_normalized", normalized);
        w.WriteBoolean("has_chat_template", !string.IsNullOrEmpty(m?.ChatTemplate) || !string.IsNullOrEmpty(e.Settings.ChatTemplate));
        w.WriteString("modified", e.CreatedUtc);
        if (loaded is { } l) w.WriteBoolean("loaded", l);
        WriteIf(w, "error", e.Problem);
        w.WriteEndObject();
    }

    /// <summary>Everything, for `show` and GET /api/models/{name}: the id, the metadata and the manifest (files, defaults, source).</summary>
    public static void WriteDetails(Utf8JsonWriter w, ModelEntry e, bool? loaded, Action<Utf8JsonWriter>? extra = null)
    {
        w.WriteStartObject();
        w.WriteString("id", e.Id);
        w.WriteString("path", e.Path);
        w.WritePropertyName("metadata");
        WriteMetadata(w, e, loaded);
        if (e.Manifest is { } manifest)
        {
            w.WritePropertyName("manifest");
            ModelRegistry.Store.ManifestJson.Write(w, manifest);
        }
        extra?.Invoke(w);
        w.WriteEndObject();
    }

    /// <summary>"lineage": {"operation","parent","parent_digest","type","parameters"} of a model made from another.</summary>
    private static void WriteLineage(Utf8JsonWriter w, ModelRegistry.Store.ManifestLineage lineage)
    {
        w.WriteStartObject("lineage");
        w.WriteString("operation", lineage.Operation);
        w.WriteString("parent", lineage.ParentName);
        w.WriteString("parent_digest", lineage.ParentDigest);
        w.WriteString("type", lineage.Type);
        w.WriteStartObject("parameters");
        foreach (var (k, v) in lineage.Parameters)
            w.WriteString(k, v);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteIf(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
            w.WriteString(name, value);
    }
}
