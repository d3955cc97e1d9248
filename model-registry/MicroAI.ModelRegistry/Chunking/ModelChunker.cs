using System.Security.Cryptography;
using MicroAI.ModelRegistry.Gguf;
using MicroAI.ModelRegistry.Store;

namespace MicroAI.ModelRegistry.Chunking;

/// <summary>
/// Splits a model file into chunks whose boundaries survive an edit, so a new version of a model shares
/// most chunks (blobs) with the old one and only the rest is uploaded or downloaded. A GGUF is cut on
/// its own structure (<see cref="GgufChunker"/>): the header alone, then the tensors; anything else by
/// content (<see cref="ContentDefinedChunker"/>). Files are streamed, never read whole: models run to
/// tens of GB.
/// </summary>
public static class ModelChunker
{
    private const int ReadBuffer = 1 << 20; // 1 MiB sequential reads: hashing runs at ~1-2 GB/s, the disk sets the pace

    /// <summary>
    /// Contiguous spans, in order, covering the whole file (none for an empty file). <paramref name="format"/>
    /// is the manifest's format ("gguf", "onnx", …); a file that says "gguf" but does not parse as one is
    /// chunked by content, which is always correct, only less precise.
    /// </summary>
    public static IReadOnlyList<ChunkSpan> Plan(string path, string format)
    {
        ArgumentNullException.ThrowIfNull(path);
        var length = new FileInfo(path).Length;
        if (length == 0)
            return [];
        if (string.Equals(format, "gguf", StringComparison.OrdinalIgnoreCase) && GgufReader.Read(path) is { IsSuccess: true } gguf)
            return GgufChunker.Plan(gguf.File, length);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);
        return ContentDefinedChunker.Plan(stream);
    }

    /// <summary>The sha256 of each span ("sha256:hex"), read in one sequential pass over the file.</summary>
    public static IReadOnlyList<(ChunkSpan Span, string Digest)> Digest(string path, IReadOnlyList<ChunkSpan> spans)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(spans);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[ReadBuffer];
        var digests = new List<(ChunkSpan, string)>(spans.Count);
        foreach (var span in spans)
        {
            if (span.Offset < 0 || span.Length < 0 || span.End > stream.Length)
                throw new ArgumentOutOfRangeException(nameof(spans), $"{span} lies outside the {stream.Length}-byte file '{path}'.");
            if (stream.Position != span.Offset)
                stream.Position = span.Offset;
            var left = span.Length;
            while (left > 0)
            {
                var n = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
                if (n <= 0)
                    throw new IOException($"'{path}' ended at offset {stream.Position} while hashing {span}; was it truncated meanwhile?");
                hash.AppendData(buffer, 0, n);
                left -= n;
            }
            digests.Add((span, Store.Digest.FromHash(hash.GetHashAndReset())));
        }
        return digests;
    }
}
