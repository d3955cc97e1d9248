namespace MicroAI.ModelRegistry.Gguf;

/// <summary>
/// A tensor's entry in the GGUF header: its name, shape (innermost dimension first, as ggml stores it),
/// ggml type and where its data starts, relative to <see cref="GgufFile.DataOffset"/>.
/// </summary>
public sealed class GgufTensorInfo
{
    private readonly long[] _dimensions;

    public GgufTensorInfo(string name, IReadOnlyList<long> dimensions, int ggmlType, long offset)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(dimensions);
        Name = name;
        _dimensions = [.. dimensions];
        GgmlType = ggmlType;
        Offset = offset;

        // A tensor with no dimensions is a scalar (ggml pads the shape with 1s), so the empty product is 1.
        long count = 1;
        foreach (var d in _dimensions)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(d, nameof(dimensions));
            count = d == 0 || count == 0 ? 0 : checked(count * d);
        }

        ElementCount = count;
    }

    public string Name { get; }

    /// <summary>The sizes of the tensor's 0–4 dimensions, innermost (row length) first.</summary>
    public IReadOnlyList<long> Dimensions => _dimensions;

    /// <summary>The ggml type number (0 F32, 1 F16, 8 Q8_0, 12 Q4_K, 30 BF16, …).</summary>
    public int GgmlType { get; }

    /// <summary>The ggml type's name ("Q4_K"), or "type N" for a number this code does not know.</summary>
    public string TypeName => GgmlTypes.Name(GgmlType);

    /// <summary>Byte offset of the tensor's data from the start of the data section.</summary>
    public long Offset { get; }

    public long ElementCount { get; }

    /// <summary>
    /// The size of the tensor's data in bytes, or null when the ggml type is unknown, the row length
    /// is not a whole number of blocks, or the size does not fit in a long.
    /// </summary>
    public long? ByteSize
    {
        get
        {
            if (!GgmlTypes.TryGet(GgmlType, out var layout))
                return null;
            var rowLength = _dimensions.Length > 0 ? _dimensions[0] : 1;
            if (rowLength % layout.BlockSize != 0)
                return null;
            var bytes = (Int128)(ElementCount / layout.BlockSize) * layout.TypeSize;
            return bytes <= long.MaxValue ? (long)bytes : null;
        }
    }

    public override string ToString() => $"{Name} {TypeName} [{string.Join(", ", _dimensions)}] @ {Offset}";
}
