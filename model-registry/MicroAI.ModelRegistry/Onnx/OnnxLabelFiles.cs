using System.Globalization;
using System.Text.Json;

namespace MicroAI.ModelRegistry.Onnx;

/// <summary>
/// Reads the files beside an ONNX model that name its classes: labels.txt (one label a line,
/// optionally "index,label" — the label possibly a quoted CSV field — or an ImageNet synset id before the label), Labels.json (an object
/// {"0": "tench", …}, an array, or an object holding "labels"/"id2label"), Hugging Face
/// config.json (id2label, problem_type) and Magika config.min.json (target_labels_space).
/// Problems become warnings and a null result; nothing here throws for bad content.
/// </summary>
internal static class OnnxLabelFiles
{
    public const long MaxFileBytes = 64L * 1024 * 1024;
    public const int MaxLabels = 1_000_000;

    private static readonly JsonDocumentOptions JsonOptions = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
        MaxDepth = 64,
    };

    /// <summary>What a Hugging Face config.json says about classification.</summary>
    public sealed record HfConfig(IReadOnlyList<string>? Labels, bool MultiLabel);

    public static IReadOnlyList<string>? ReadText(string path, string name, List<string> warnings)
    {
        var text = ReadAllText(path, name, warnings);
        if (text is null)
            return null;

        var lines = new List<string>(text.Split('\n').Select(l => l.Trim()));
        while (lines.Count > 0 && lines[^1].Length == 0)
            lines.RemoveAt(lines.Count - 1);
        if (lines.Count == 0)
        {
            warnings.Add($"{name} has no labels");
            return null;
        }
        if (lines.Count > MaxLabels)
        {
            warnings.Add($"{name} has more than {MaxLabels} lines");
            return null;
        }
        return StripIndexPrefix(lines) ?? StripSynsetIds(lines) ?? lines;
    }

    public static IReadOnlyList<string>? ReadJson(string path, string name, List<string> warnings)
    {
        using var doc = ParseJson(path, name, warnings);
        if (doc is null)
            return null;
        var root = doc.RootElement;
        if (root.ValueKind == JsonValueKind.Object)
        {
            foreach (var key in (ReadOnlySpan<string>)["labels", "id2label"])
            {
                if (root.TryGetProperty(key, out var inner))
                    return FromJsonLabels(inner, $"{name} {key}", warnings);
            }
        }
        return FromJsonLabels(root, name, warnings);
    }

    public static HfConfig? ReadHfConfig(string path, string name, List<string> warnings)
    {
        using var doc = ParseJson(path, name, warnings);
        if (doc is null || doc.RootElement.ValueKind != JsonValueKind.Object)
            return null;
        var root = doc.RootElement;
        IReadOnlyList<string>? labels = null;
        if (root.TryGetProperty("id2label", out var id2Label) && id2Label.ValueKind == JsonValueKind.Object)
            labels = FromIdMap(id2Label, $"{name} id2label", warnings);
        var multiLabel = root.TryGetProperty("problem_type", out var problem)
            && problem.ValueKind == JsonValueKind.String
            && problem.ValueEquals("multi_label_classification");
        return new HfConfig(labels, multiLabel);
    }

    /// <summary>Magika's config.min.json: the labels in target_labels_space, or null when it has none.</summary>
    public static IReadOnlyList<string>? ReadMagikaLabels(string path, string name, List<string> warnings)
    {
        using var doc = ParseJson(path, name, warnings);
        if (doc is null
            || doc.RootElement.ValueKind != JsonValueKind.Object
            || !doc.RootElement.TryGetProperty("target_labels_space", out var space))
            return null;
        return FromJsonLabels(space, $"{name} target_labels_space", warnings);
    }

    private static IReadOnlyList<string>? FromJsonLabels(JsonElement element, string name, List<string> warnings)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Array:
                var list = new List<string>();
                foreach (var item in element.EnumerateArray())
                {
                    if (item.ValueKind != JsonValueKind.String || list.Count >= MaxLabels)
                    {
                        warnings.Add($"{name} is not a list of at most {MaxLabels} strings");
                        return null;
                    }
                    list.Add(item.GetString()!);
                }
                return list.Count > 0 ? list : null;
            case JsonValueKind.Object:
                return FromIdMap(element, name, warnings);
            default:
                warnings.Add($"{name} is neither a list of labels nor an object of index → label");
                return null;
        }
    }

    /// <summary>{"0": "a", "1": "b"} → ["a", "b"]; an index with no entry becomes "LABEL_i".</summary>
    private static IReadOnlyList<string>? FromIdMap(JsonElement map, string name, List<string> warnings)
    {
        var byId = new SortedDictionary<int, string>();
        foreach (var property in map.EnumerateObject())
        {
            if (!int.TryParse(property.Name, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                || id >= MaxLabels
                || property.Value.ValueKind != JsonValueKind.String)
            {
                warnings.Add($"{name}: \"{Truncate(property.Name)}\" is not an index below {MaxLabels} with a string label");
                return null;
            }
            byId[id] = property.Value.GetString()!;
        }
        if (byId.Count == 0)
            return null;

        var labels = new string[byId.Keys.Max() + 1];
        for (var i = 0; i < labels.Length; i++)
            labels[i] = byId.TryGetValue(i, out var label) ? label : $"LABEL_{i}";
        return labels;
    }

    /// <summary>"0,tench" "1,goldfish" … with indices 0, 1, 2 … in order → the text after the comma.</summary>
    private static List<string>? StripIndexPrefix(List<string> lines)
    {
        var result = new List<string>(lines.Count);
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            var comma = line.IndexOf(',');
            if (comma <= 0
                || !int.TryParse(line.AsSpan(0, comma), NumberStyles.None, CultureInfo.InvariantCulture, out var index)
                || index != i)
                return null;
            var label = line[(comma + 1)..].Trim();
            if (label.Length >= 2 && label[0] == '"' && label[^1] == '"')
                label = label[1..^1].Replace("\"\"", "\"", StringComparison.Ordinal); // a quoted CSV field
            result.Add(label);
        }
        return result;
    }

    /// <summary>"n01440764 tench, Tinca tinca" (ImageNet synset.txt) → "tench, Tinca tinca".</summary>
    private static List<string>? StripSynsetIds(List<string> lines)
    {
        var result = new List<string>(lines.Count);
        foreach (var line in lines)
        {
            if (line.Length < 11 || line[0] != 'n' || line[9] != ' ' || line.AsSpan(1, 8).ContainsAnyExceptInRange('0', '9'))
                return null;
            result.Add(line[10..].Trim());
        }
        return result;
    }

    private static JsonDocument? ParseJson(string path, string name, List<string> warnings)
    {
        var text = ReadAllText(path, name, warnings);
        if (text is null)
            return null;
        try
        {
            return JsonDocument.Parse(text, JsonOptions);
        }
        catch (JsonException e)
        {
            warnings.Add($"{name} is not valid JSON: {e.Message}");
            return null;
        }
    }

    private static string? ReadAllText(string path, string name, List<string> warnings)
    {
        try
        {
            var length = new FileInfo(path).Length;
            if (length > MaxFileBytes)
            {
                warnings.Add($"{name} is larger than {MaxFileBytes / (1024 * 1024)} MiB and was not read");
                return null;
            }
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            warnings.Add($"{name} could not be read: {e.Message}");
            return null;
        }
    }

    private static string Truncate(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
