using System.Text.Json;

namespace MicroAI.Engines.Onnx.Pipelines.Magika;

/// <summary>
/// Google Magika's model configuration (config.min.json) and, when present, its content-type
/// knowledge base (content_types_kb.min.json, for which labels are text).
/// </summary>
internal sealed record MagikaConfig
{
    public required int BegSize { get; init; }
    public required int MidSize { get; init; }
    public required int EndSize { get; init; }
    public required int BlockSize { get; init; }
    public required int PaddingToken { get; init; }
    /// <summary>Inputs shorter than this (after stripping whitespace) are not given to the model.</summary>
    public required int MinFileSizeForDl { get; init; }
    public required float MediumConfidenceThreshold { get; init; }
    public required IReadOnlyList<string> Labels { get; init; }
    public required IReadOnlyDictionary<string, float> Thresholds { get; init; }
    /// <summary>Model labels reported as another (randombytes → unknown, randomtxt → txt).</summary>
    public required IReadOnlyDictionary<string, string> OverwriteMap { get; init; }
    public required IReadOnlySet<string> TextLabels { get; init; }

    public int FeatureLength => BegSize + MidSize + EndSize;

    public float ThresholdOf(string label) => Thresholds.TryGetValue(label, out var t) ? t : MediumConfidenceThreshold;

    public string Output(string label) => OverwriteMap.TryGetValue(label, out var o) ? o : label;

    public bool IsText(string label) => TextLabels.Contains(label);

    /// <summary>Reads the folder's config; throws <see cref="InvalidDataException"/> naming what is wrong.</summary>
    public static MagikaConfig Load(string configPath, string? knowledgeBasePath)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(configPath));
        var root = doc.RootElement;
        int Int(string name) => root.TryGetProperty(name, out var v) && v.TryGetInt32(out var i) ? i
            : throw new InvalidDataException($"{Path.GetFileName(configPath)}: '{name}' is missing or not an integer.");
        var labels = root.TryGetProperty("target_labels_space", out var l) && l.ValueKind == JsonValueKind.Array
            ? l.EnumerateArray().Select(e => e.GetString() ?? "").ToList()
            : throw new InvalidDataException($"{Path.GetFileName(configPath)}: 'target_labels_space' is missing.");
        var thresholds = new Dictionary<string, float>(StringComparer.Ordinal);
        if (root.TryGetProperty("thresholds", out var t) && t.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in t.EnumerateObject())
                thresholds[p.Name] = p.Value.GetSingle();
        }
        var overwrite = new Dictionary<string, string>(StringComparer.Ordinal);
        if (root.TryGetProperty("overwrite_map", out var o) && o.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in o.EnumerateObject())
                overwrite[p.Name] = p.Value.GetString() ?? p.Name;
        }
        var text = new HashSet<string>(StringComparer.Ordinal) { "txt" };
        if (knowledgeBasePath is not null && File.Exists(knowledgeBasePath))
        {
            using var kb = JsonDocument.Parse(File.ReadAllBytes(knowledgeBasePath));
            foreach (var p in kb.RootElement.EnumerateObject())
            {
                if (p.Value.ValueKind == JsonValueKind.Object && p.Value.TryGetProperty("is_text", out var isText) && isText.ValueKind == JsonValueKind.True)
                    text.Add(p.Name);
            }
        }
        var mid = Int("mid_size");
        if (mid != 0)
            throw new InvalidDataException($"{Path.GetFileName(configPath)}: mid_size {mid} is not supported (Magika v3 models use 0).");
        return new MagikaConfig
        {
            BegSize = Int("beg_size"),
            MidSize = mid,
            EndSize = Int("end_size"),
            BlockSize = Int("block_size"),
            PaddingToken = Int("padding_token"),
            MinFileSizeForDl = Int("min_file_size_for_dl"),
            MediumConfidenceThreshold = root.TryGetProperty("medium_confidence_threshold", out var m) ? m.GetSingle() : 0.5f,
            Labels = labels,
            Thresholds = thresholds,
            OverwriteMap = overwrite,
            TextLabels = text,
        };
    }
}
