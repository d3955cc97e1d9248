namespace MicroAI.ModelRegistry.Chunking;

/// <summary>One chunk of a model file: its byte range.</summary>
public readonly record struct ChunkSpan(long Offset, long Length);
