using System.Text.Json;

namespace MicroAI.Engines.Onnx.Pipelines;

/// <summary>The JSON files of a Hugging Face / sentence-transformers folder that decide preprocessing and pooling.</summary>
internal static class ModelFolderConfig
{
    public static JsonElement? Read(string folder, string relative)
    {
        var path = Path.Combine(folder, relative);
        if (!File.Exists(path))
            return null;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            return doc.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new Abstractions.ModelLoadException($"{relative} in {folder} is not valid JSON: {ex.Message}");
        }
    }

    /// <summary>sentence-transformers pooling: "cls", "mean", "max" or "last" (1_Pooling/config.json); mean when the folder does not say.</summary>
    public static (string Pooling, bool FromConfig) Pooling(string folder)
    {
        var poolingDir = FindModule(folder, "sentence_transformers.models.Pooling") ?? "1_Pooling";
        if (Read(folder, Path.Combine(poolingDir, "config.json")) is not { } config)
            return ("mean", false);
        bool On(string name) => config.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;
        if (On("pooling_mode_cls_token"))
            return ("cls", true);
        if (On("pooling_mode_lasttoken"))
            return ("last", true);
        if (On("pooling_mode_max_tokens"))
            return ("max", true);
        return ("mean", true);
    }

    /// <summary>Whether modules.json ends in a Normalize module (sentence-transformers' unit vectors).</summary>
    public static bool Normalizes(string folder) => FindModule(folder, "sentence_transformers.models.Normalize") is not null;

    /// <summary>The longest input: sentence_bert_config.json max_seq_length, else the tokenizer's model_max_length, else config.json max_position_embeddings, else 512.</summary>
    public static int MaxLength(string folder, int? tokenizerMax)
    {
        if (Read(folder, "sentence_bert_config.json") is { } st && st.TryGetProperty("max_seq_length", out var m) && m.TryGetInt32(out var max) && max > 0)
            return max;
        if (tokenizerMax is > 0)
            return tokenizerMax.Value;
        if (Read(folder, "config.json") is { } cfg && cfg.TryGetProperty("max_position_embeddings", out var p) && p.TryGetInt32(out var positions) && positions > 0)
            return positions;
        return 512;
    }

    private static string? FindModule(string folder, string type)
    {
        if (Read(folder, "modules.json") is not { ValueKind: JsonValueKind.Array } modules)
            return null;
        foreach (var module in modules.EnumerateArray())
        {
            if (module.TryGetProperty("type", out var t) && t.GetString() == type)
                return module.TryGetProperty("path", out var p) ? p.GetString() ?? "" : "";
        }
        return null;
    }
}
