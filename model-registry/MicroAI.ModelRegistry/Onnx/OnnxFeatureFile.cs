using System.Text.Json;

namespace MicroAI.ModelRegistry.Onnx;

/// <summary>
/// features.json beside a tabular model: the names of its feature columns in the order the model
/// reads them, as an array (["amount", "hour", …]) or an object whose "features" is such an array
/// (or an array of {"name": …} objects, as some exporters write). Lets requests send named values
/// to a model whose one input is a [batch, n] matrix. Problems become warnings and a null result.
/// </summary>
internal static class OnnxFeatureFile
{
    public const string FileName = "features.json";

    private const int MaxFeatures = 100_000;

    public static IReadOnlyList<string>? Read(string path, List<string> warnings)
    {
        JsonDocument doc;
        try
        {
            if (new FileInfo(path).Length > OnnxLabelFiles.MaxFileBytes)
            {
                warnings.Add($"{FileName} is larger than {OnnxLabelFiles.MaxFileBytes} bytes and was ignored");
                return null;
            }
            doc = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            warnings.Add($"{FileName} cannot be read: {e.Message}");
            return null;
        }
        using (doc)
        {
            var list = doc.RootElement;
            if (list.ValueKind == JsonValueKind.Object && list.TryGetProperty("features", out var inner))
                list = inner;
            if (list.ValueKind != JsonValueKind.Array || list.GetArrayLength() is 0 or > MaxFeatures)
            {
                warnings.Add($"{FileName} is not a non-empty array of feature names (nor an object with one in \"features\")");
                return null;
            }
            var names = new List<string>(list.GetArrayLength());
            foreach (var item in list.EnumerateArray())
            {
                var name = item.ValueKind switch
                {
                    JsonValueKind.String => item.GetString(),
                    JsonValueKind.Object when item.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String => n.GetString(),
                    _ => null,
                };
                if (string.IsNullOrEmpty(name))
                {
                    warnings.Add($"{FileName}: feature {names.Count} has no name; the file was ignored");
                    return null;
                }
                names.Add(name);
            }
            if (names.Distinct(StringComparer.Ordinal).Count() != names.Count)
            {
                warnings.Add($"{FileName} names a feature twice; the file was ignored");
                return null;
            }
            return names;
        }
    }
}
