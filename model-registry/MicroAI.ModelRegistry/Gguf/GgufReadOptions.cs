namespace MicroAI.ModelRegistry.Gguf;

/// <summary>
/// Limits for <see cref="GgufReader"/>. Every count and length in a file is also checked against the
/// bytes left in the file, so these caps only matter for large files that are hostile or corrupt; the
/// defaults sit far above anything a real model writes.
/// </summary>
public sealed class GgufReadOptions
{
    public static GgufReadOptions Default { get; } = new();

    /// <summary>
    /// Longest string (key, value or array element). Default 64 MiB: the longest real strings are chat
    /// templates of 10–20 KB; llama.cpp's own cap (GGUF_MAX_STRING_LENGTH) is larger, but no model needs it.
    /// </summary>
    public long MaxStringBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>
    /// Most elements in one array. Default 64 Mi: the biggest arrays are vocabularies and BPE merge lists,
    /// about 262,144 tokens (Gemma 3) and a few hundred thousand merges, 250× below the cap.
    /// </summary>
    public long MaxArrayElements { get; init; } = 64L * 1024 * 1024;

    /// <summary>Most metadata key/values. Default 1 Mi; real models carry 20–60.</summary>
    public long MaxKeyValues { get; init; } = 1024 * 1024;

    /// <summary>Most tensors. Default 1 Mi; real models have hundreds to a few thousand (roughly 9–20 per layer, at most ~130 layers).</summary>
    public long MaxTensors { get; init; } = 1024 * 1024;

    /// <summary>
    /// Arrays longer than this are validated and skipped: only their element type and length are kept.
    /// Default 1024, so a 32,000-token vocabulary (three arrays: tokens, scores, types) costs no
    /// allocations beyond the reader's buffer, while short arrays (per-layer head counts, sampling
    /// sequences) are kept whole.
    /// </summary>
    public int MaxStoredArrayElements { get; init; } = 1024;

    /// <summary>
    /// Deepest nesting of arrays, counting a plain array as 1 (so 1 accepts exactly what llama.cpp's
    /// gguf.cpp does: it refuses arrays of arrays). Default 8: the spec allows nesting but no writer uses
    /// it; each level is a recursive call, and an unbounded depth would let a 1 MB file of 12-byte array
    /// headers overflow the stack.
    /// </summary>
    public int MaxArrayDepth { get; init; } = 8;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(MaxStringBytes, nameof(MaxStringBytes));
        // A .NET string holds at most ~1 G chars, so a longer limit could never be honoured.
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxStringBytes, 1L << 30, nameof(MaxStringBytes));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxArrayElements, nameof(MaxArrayElements));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxKeyValues, nameof(MaxKeyValues));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxTensors, nameof(MaxTensors));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxStoredArrayElements, nameof(MaxStoredArrayElements));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxArrayDepth, nameof(MaxArrayDepth));
    }
}
