namespace MicroAI.ModelRegistry.Chunking;

/// <summary>
/// Content-defined chunking (FastCDC: a gear rolling hash with normalised chunking, Xia et al., USENIX
/// ATC 2016) for files without a structure to cut on (ONNX, tokenizers, anything). A boundary is where
/// the hash of the last 64 bytes matches a mask, so it depends on nearby content only: inserting or
/// deleting bytes moves the boundaries around the edit and the chunks after it resynchronise.
/// </summary>
/// <remarks>
/// Sizes: 64 KiB / 256 KiB / 1 MiB (min / average / max). The average sets the delta granularity: an
/// edit costs about one average chunk, and ONNX initializers (the weights) are typically 0.1-10 MiB, so
/// 256 KiB keeps a changed initializer's cost close to its own size. A 500 MB ONNX model then makes
/// ~2,000 blobs; the per-blob cost (an existence check and a manifest line of ~100 bytes) stays well
/// below 1% of the bytes. The minimum is a quarter of the average, as FastCDC recommends, and skipping
/// hashing below it is what makes FastCDC fast; the maximum bounds the worst case of data with no
/// boundary (runs of zeros) at 4× the average.
/// </remarks>
internal static class ContentDefinedChunker
{
    internal const int MinSize = 64 * 1024;
    internal const int AverageSize = 256 * 1024;
    internal const int MaxSize = 1024 * 1024;

    // Normalisation level 2: two more mask bits than log2(average) before the average (boundaries rarer),
    // two fewer after it (more likely), which narrows the spread of chunk sizes around the average.
    // The top bits of the hash are tested: they mix the last 64 bytes, the low bits only the last few.
    private const ulong MaskSmall = ~0UL << (64 - 20);
    private const ulong MaskLarge = ~0UL << (64 - 16);

    private const int ReadBuffer = 4 * 1024 * 1024;

    /// <summary>
    /// 256 pseudo-random 64-bit values, one per byte value. Fixed forever (SplitMix64 from a constant
    /// seed): a different table would move every boundary and share nothing with chunks pushed before.
    /// </summary>
    private static readonly ulong[] s_gear = BuildGear();

    public static IReadOnlyList<ChunkSpan> Plan(Stream stream)
    {
        var spans = new List<ChunkSpan>();
        var buffer = new byte[ReadBuffer];
        long chunkStart = 0, position = 0;
        var inChunk = 0;   // bytes of the current chunk seen so far
        ulong hash = 0;
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            var i = 0;
            while (i < read)
            {
                // Below the minimum no boundary can fall: skip those bytes unhashed. The hash restarts at
                // the minimum; after 64 bytes it depends only on content, so boundaries stay content-defined.
                if (inChunk < MinSize)
                {
                    var skip = Math.Min(MinSize - inChunk, read - i);
                    inChunk += skip;
                    i += skip;
                    continue;
                }

                hash = (hash << 1) + s_gear[buffer[i]];
                inChunk++;
                i++;
                var mask = inChunk < AverageSize ? MaskSmall : MaskLarge;
                if ((hash & mask) == 0 || inChunk >= MaxSize)
                {
                    spans.Add(new ChunkSpan(chunkStart, inChunk));
                    chunkStart += inChunk;
                    inChunk = 0;
                    hash = 0;
                }
            }
            position += read;
        }
        if (inChunk > 0)
            spans.Add(new ChunkSpan(chunkStart, position - chunkStart));
        return spans;
    }

    private static ulong[] BuildGear()
    {
        var table = new ulong[256];
        var state = 0x4D6963726F414943UL; // "MicroAIC"
        for (var i = 0; i < table.Length; i++)
        {
            state += 0x9E3779B97F4A7C15UL;
            var z = state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            table[i] = z ^ (z >> 31);
        }
        return table;
    }
}
