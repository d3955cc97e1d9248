using MicroAI.ModelRegistry.Gguf;

namespace MicroAI.ModelRegistry.Chunking;

/// <summary>
/// Tensor-aligned chunks of a GGUF. The header (magic, metadata, tensor infos and the padding up to the
/// data section) is one chunk, so a new chat template or default changes that chunk only: the tensor
/// data keeps its offsets relative to the data section, hence its bytes and digests. Then each chunk
/// starts on a tensor, because a fine-tune rewrites whole tensors: a chunk that held an unchanged
/// tensor beside a changed one would be sent again for nothing.
/// </summary>
internal static class GgufChunker
{
    /// <summary>
    /// Consecutive tensors are grouped while the group stays within this many bytes. 16 KiB, by
    /// measurement (docs/performance.md, "Delta updates"; a 10% scattered fine-tune): stories260K's
    /// tensors are 0.25-128 KiB and it makes 49 chunks ungrouped, downloading 10.2%; 16 KiB pairs each
    /// layer's 8 KiB K and V projections (44 chunks) for 11.6%; 64 KiB makes 24
    /// chunks but drags unchanged projections along (17.2%), 256 KiB 7 chunks and 80%. A large model's
    /// norms sit between projections of 64 KiB and more, so it is chunked one tensor per chunk anyway.
    /// </summary>
    internal const long GroupTarget = 16 * 1024;

    /// <summary>
    /// A tensor larger than this is cut into pieces of this size. 8 MiB: a 7B model at Q4_K_M (4.1 GB,
    /// 291 tensors) has projections of roughly 9-35 MiB and embeddings of ~70 MiB, so it makes about 560
    /// chunks: few enough for one manifest (~100 bytes of JSON each), and each one a unit that is
    /// retried on its own, a few seconds on a thin link, rather than 35 MiB again.
    /// </summary>
    internal const long MaxChunk = 8 * 1024 * 1024;

    public static IReadOnlyList<ChunkSpan> Plan(GgufFile file, long fileLength)
    {
        // Each tensor runs from its offset to the next tensor's (its padding included), the last to the end
        // of the file; a tensor's own size is not needed, so types newer than this code are chunked as well.
        var starts = file.Tensors.Select(t => file.DataOffset + t.Offset).Where(s => s < fileLength).Distinct().Order().ToList();
        var header = starts.Count > 0 ? starts[0] : Math.Min(file.DataOffset, fileLength);
        var spans = new List<ChunkSpan>();
        if (header > 0)
            spans.Add(new ChunkSpan(0, header));
        if (starts.Count == 0)
        {
            if (header < fileLength)
                spans.Add(new ChunkSpan(header, fileLength - header));
            return spans;
        }

        long groupStart = -1, groupEnd = -1;
        for (var i = 0; i < starts.Count; i++)
        {
            var start = starts[i];
            var end = i + 1 < starts.Count ? starts[i + 1] : fileLength;
            if (groupStart >= 0 && end - groupStart <= GroupTarget)
            {
                groupEnd = end;
                continue;
            }
            if (groupStart >= 0)
                spans.Add(new ChunkSpan(groupStart, groupEnd - groupStart));
            if (end - start <= GroupTarget)
            {
                (groupStart, groupEnd) = (start, end);
                continue;
            }
            groupStart = -1;
            for (var at = start; at < end; at += MaxChunk)
                spans.Add(new ChunkSpan(at, Math.Min(MaxChunk, end - at)));
        }
        if (groupStart >= 0)
            spans.Add(new ChunkSpan(groupStart, groupEnd - groupStart));
        return spans;
    }
}
