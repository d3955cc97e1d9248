namespace MicroAI.ModelRegistry.Gguf;

/// <summary>
/// The header of a GGUF file: version, metadata and tensor infos. The tensor data itself is not read;
/// it starts at <see cref="DataOffset"/>.
/// </summary>
public sealed class GgufFile
{
    /// <summary>llama.cpp's GGUF_DEFAULT_ALIGNMENT, used when general.alignment is absent.</summary>
    public const int DefaultAlignment = 32;

    internal GgufFile(
        int version,
        IReadOnlyList<KeyValuePair<string, GgufValue>> metadataInFileOrder,
        IReadOnlyList<GgufTensorInfo> tensors,
        int alignment,
        long dataOffset)
    {
        Version = version;
        MetadataInFileOrder = metadataInFileOrder;
        var map = new Dictionary<string, GgufValue>(metadataInFileOrder.Count, StringComparer.Ordinal);
        foreach (var (key, value) in metadataInFileOrder)
            map.Add(key, value);
        Metadata = map;
        Tensors = tensors;
        Alignment = alignment;
        DataOffset = dataOffset;
    }

    /// <summary>The GGUF format version: 2 or 3.</summary>
    public int Version { get; }

    public IReadOnlyDictionary<string, GgufValue> Metadata { get; }

    /// <summary>The same key/values as <see cref="Metadata"/>, in the order the file stores them.</summary>
    public IReadOnlyList<KeyValuePair<string, GgufValue>> MetadataInFileOrder { get; }

    public IReadOnlyList<GgufTensorInfo> Tensors { get; }

    /// <summary>general.alignment, or <see cref="DefaultAlignment"/>.</summary>
    public int Alignment { get; }

    /// <summary>
    /// Where the tensor data starts: the end of the tensor infos rounded up to <see cref="Alignment"/>.
    /// Tensor offsets are relative to it.
    /// </summary>
    public long DataOffset { get; }

    /// <summary>A string value, or null when the key is absent or holds something else.</summary>
    public string? GetString(string key) => Metadata.TryGetValue(key, out var v) ? v.AsString() : null;

    /// <summary>An integer value of any width or signedness, or null when absent, not an integer, or negative.</summary>
    public ulong? GetUInt64(string key) => Metadata.TryGetValue(key, out var v) && v.TryGetUInt64(out var u) ? u : null;

    /// <summary>The length of an array value (also when its elements were not stored), or null when absent or not an array.</summary>
    public long? GetArrayLength(string key) => Metadata.TryGetValue(key, out var v) && v.IsArray ? v.ArrayLength : null;

    public override string ToString() => $"GGUF v{Version}, {Metadata.Count} keys, {Tensors.Count} tensors, data at {DataOffset}";
}
