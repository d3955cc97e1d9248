using System.Globalization;

namespace MicroAI.Engines.Onnx;

/// <summary>
/// One output tensor of a run, copied into managed memory (the native value is already released, so
/// nothing here needs disposing). The data is kept in its own element type: <see cref="AsSpan{T}"/>
/// reads it without copying; <see cref="ToFloatArray"/> and <see cref="ToInt64Array"/> convert.
/// </summary>
public sealed class OnnxOutput
{
    private readonly Array _data;

    internal OnnxOutput(string name, OnnxElementType elementType, long[] shape, Array data)
    {
        Name = name;
        ElementType = elementType;
        Shape = Array.AsReadOnly(shape);
        _data = data;
    }

    internal OnnxOutput(string name, KeyValuePair<string, float>[][] maps)
    {
        Name = name;
        ElementType = OnnxElementType.Undefined;
        Shape = Array.AsReadOnly(new long[] { maps.Length });
        _data = Array.Empty<float>();
        Maps = maps;
    }

    /// <summary>
    /// For a sequence-of-maps output (ZipMap: one {label: probability} map per row), the maps in row
    /// order with keys as text; null for a tensor, whose data the other members read.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<KeyValuePair<string, float>>>? Maps { get; }

    public string Name { get; }

    public OnnxElementType ElementType { get; }

    /// <summary>The actual dimensions of this result (no -1).</summary>
    public IReadOnlyList<long> Shape { get; }

    public int ElementCount => _data.Length;

    /// <summary>
    /// The data without copying, when <typeparamref name="T"/> is the element type's .NET type: float, Half,
    /// double, sbyte, byte, short, ushort, int, uint, long, ulong, bool; ushort for BFloat16 (raw bits).
    /// </summary>
    public ReadOnlySpan<T> AsSpan<T>() where T : unmanaged => _data is T[] typed
        ? typed
        : throw new InvalidOperationException($"Output '{Name}' holds {ElementType} ({_data.GetType().GetElementType()?.Name}), not {typeof(T).Name}.");

    /// <summary>A new float array: float copied; Float16, BFloat16, double and integer types converted; bool as 0/1.</summary>
    public float[] ToFloatArray() => _data switch
    {
        float[] f => (float[])f.Clone(),
        Half[] h => Array.ConvertAll(h, static v => (float)v),
        double[] d => Array.ConvertAll(d, static v => (float)v),
        ushort[] bf when ElementType == OnnxElementType.BFloat16 => Array.ConvertAll(bf, static v => BitConverter.Int32BitsToSingle(v << 16)),
        sbyte[] v => Array.ConvertAll(v, static x => (float)x),
        byte[] v => Array.ConvertAll(v, static x => (float)x),
        short[] v => Array.ConvertAll(v, static x => (float)x),
        ushort[] v => Array.ConvertAll(v, static x => (float)x),
        int[] v => Array.ConvertAll(v, static x => (float)x),
        uint[] v => Array.ConvertAll(v, static x => (float)x),
        long[] v => Array.ConvertAll(v, static x => (float)x),
        ulong[] v => Array.ConvertAll(v, static x => (float)x),
        bool[] v => Array.ConvertAll(v, static x => x ? 1f : 0f),
        _ => throw new InvalidOperationException($"Output '{Name}' holds {ElementType}, which does not convert to float."),
    };

    /// <summary>A new long array from any integer type or bool (0/1); floating-point outputs are refused rather than truncated.</summary>
    public long[] ToInt64Array() => _data switch
    {
        long[] l => (long[])l.Clone(),
        sbyte[] v => Array.ConvertAll(v, static x => (long)x),
        byte[] v => Array.ConvertAll(v, static x => (long)x),
        short[] v => Array.ConvertAll(v, static x => (long)x),
        ushort[] v when ElementType == OnnxElementType.UInt16 => Array.ConvertAll(v, static x => (long)x),
        int[] v => Array.ConvertAll(v, static x => (long)x),
        uint[] v => Array.ConvertAll(v, static x => (long)x),
        ulong[] v => Array.ConvertAll(v, static x => checked((long)x)),
        bool[] v => Array.ConvertAll(v, static x => x ? 1L : 0L),
        _ => throw new InvalidOperationException($"Output '{Name}' holds {ElementType}, not an integer type; use ToFloatArray."),
    };

    /// <summary>The strings of a String output.</summary>
    public string[] ToStringArray() => _data is string[] s
        ? (string[])s.Clone()
        : throw new InvalidOperationException($"Output '{Name}' holds {ElementType}, not strings.");

    /// <summary>E.g. "softmaxout_1: Float16[1,1000,1,1]".</summary>
    public override string ToString() =>
        $"{Name}: {ElementType}[{string.Join(',', Shape.Select(static d => d.ToString(CultureInfo.InvariantCulture)))}]";
}
