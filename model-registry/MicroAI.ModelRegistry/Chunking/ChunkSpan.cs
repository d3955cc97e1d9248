namespace MicroAI.ModelRegistry.Chunking;

/// <summary>A byte range of a model file that is stored, sent and deduplicated as one blob.</summary>
public readonly record struct ChunkSpan(long Offset, long Length)
{
    public long End => Offset + Length;
}
