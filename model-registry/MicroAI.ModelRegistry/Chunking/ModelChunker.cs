namespace MicroAI.ModelRegistry.Chunking;

/// <summary>Splits a model file into the chunks a push stores as separate blobs.</summary>
public static class ModelChunker
{
    private const long SpanBytes = 4L << 20;

    /// <summary>Contiguous spans covering the whole file, in order.</summary>
    public static IReadOnlyList<ChunkSpan> Plan(string path, string format)
    {
        var length = new FileInfo(path).Length;
        var spans = new List<ChunkSpan>();
        for (long offset = 0; offset < length; offset += SpanBytes)
            spans.Add(new ChunkSpan(offset, Math.Min(SpanBytes, length - offset)));
        return spans;
    }
}
