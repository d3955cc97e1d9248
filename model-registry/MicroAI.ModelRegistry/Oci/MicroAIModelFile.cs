namespace MicroAI.ModelRegistry.Oci;

/// <summary>A file of a pushed model; its bytes are its chunks' bytes, in order.</summary>
internal sealed record MicroAIModelFile
{
    public required string Name { get; init; }
    public required string Role { get; init; }
    public required string Digest { get; init; }
    public required long Size { get; init; }
    public required IReadOnlyList<MicroAIChunk> Chunks { get; init; }
}
