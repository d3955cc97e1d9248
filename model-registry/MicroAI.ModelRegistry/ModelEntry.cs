namespace MicroAI.ModelRegistry;

public enum ModelFormat
{
    Gguf,
    Onnx,
}

/// <summary>A model the server can serve: where its file is and what it is.</summary>
public sealed record ModelEntry(
    string Id,
    string Path,
    ModelFormat Format,
    long SizeBytes,
    DateTimeOffset CreatedUtc,
    string Source,
    ModelSettings Settings);
