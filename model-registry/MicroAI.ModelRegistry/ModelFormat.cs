namespace MicroAI.ModelRegistry;

/// <summary>A model file's format; which engine loads it is the engines' business (<c>IModelEngine.CanServe</c>).</summary>
public enum ModelFormat
{
    Gguf,
    Onnx,
}

/// <summary>The formats' names in manifests and in the API ("gguf", "onnx") and their file extensions, in one place.</summary>
public static class ModelFormats
{
    public static string Name(this ModelFormat format) => format switch
    {
        ModelFormat.Gguf => "gguf",
        ModelFormat.Onnx => "onnx",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
    };

    /// <summary>A manifest's format; anything but "gguf" and "onnx" is refused (an unknown format is not GGUF).</summary>
    public static bool TryParse(string? name, out ModelFormat format)
    {
        switch (name)
        {
            case "gguf": format = ModelFormat.Gguf; return true;
            case "onnx": format = ModelFormat.Onnx; return true;
            default: format = default; return false;
        }
    }

    /// <summary>The format a file's extension names (".gguf", ".onnx", any case); false for any other file.</summary>
    public static bool TryFromExtension(string path, out ModelFormat format) =>
        TryParse(Path.GetExtension(path).TrimStart('.').ToLowerInvariant(), out format);

    /// <summary>"gguf, onnx": for messages that list what is known.</summary>
    public static string Known => string.Join(", ", Enum.GetValues<ModelFormat>().Select(f => f.Name()));
}
