using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;

namespace MicroAI.Engines.Onnx;

/// <summary>
/// Copies an output OrtValue that ONNX Runtime allocated into an <see cref="OnnxOutput"/>, so the value
/// can be released right after the run and callers never hold native memory.
/// </summary>
internal static class OnnxOutputReader
{
    public static OnnxOutput Read(string name, OrtValue value)
    {
        if (value.OnnxType == OnnxValueType.ONNX_TYPE_SEQUENCE)
            return ReadSequenceOfMaps(name, value);
        if (value.OnnxType != OnnxValueType.ONNX_TYPE_TENSOR)
            throw new NotSupportedException($"Output '{name}' is a {Describe(value.OnnxType)}, not a tensor; MicroAI reads tensors and sequences of maps only. Leave it out of the output names.");
        var info = value.GetTensorTypeAndShape();
        var type = (OnnxElementType)info.ElementDataType;
        var shape = info.Shape;
        var count = info.ElementCount;
        if (count > Array.MaxLength)
            throw new NotSupportedException($"Output '{name}' has {count} elements, more than a .NET array holds.");
        if (type == OnnxElementType.String)
            return new OnnxOutput(name, type, shape, value.GetStringTensorAsArray());
        // The raw bytes, reinterpreted: the managed API's typed spans know neither System.Half nor BFloat16 as ushort.
        var data = count == 0 ? default : (ReadOnlySpan<byte>)value.GetTensorMutableRawData();
        Array array = type switch
        {
            OnnxElementType.Float => Copy<float>(data),
            OnnxElementType.Float16 => Copy<Half>(data),
            OnnxElementType.BFloat16 => Copy<ushort>(data),
            OnnxElementType.Double => Copy<double>(data),
            OnnxElementType.Int8 => Copy<sbyte>(data),
            OnnxElementType.UInt8 => Copy<byte>(data),
            OnnxElementType.Int16 => Copy<short>(data),
            OnnxElementType.UInt16 => Copy<ushort>(data),
            OnnxElementType.Int32 => Copy<int>(data),
            OnnxElementType.UInt32 => Copy<uint>(data),
            OnnxElementType.Int64 => Copy<long>(data),
            OnnxElementType.UInt64 => Copy<ulong>(data),
            OnnxElementType.Bool => Copy<bool>(data),
            _ => throw new NotSupportedException($"Output '{name}' has element type {type}, which MicroAI does not read."),
        };
        return new OnnxOutput(name, type, shape, array);
    }

    /// <summary>
    /// A sequence of maps, one per row: what ZipMap makes of a classifier's probabilities
    /// (seq(map(int64|string, float))). Keys are returned as text, values as float.
    /// </summary>
    private static OnnxOutput ReadSequenceOfMaps(string name, OrtValue sequence)
    {
        var count = sequence.GetValueCount();
        var rows = new KeyValuePair<string, float>[count][];
        for (var i = 0; i < count; i++)
        {
            using var map = sequence.GetValue(i, OrtAllocator.DefaultInstance);
            if (map.OnnxType != OnnxValueType.ONNX_TYPE_MAP)
                throw new NotSupportedException($"Output '{name}' is a sequence of {Describe(map.OnnxType)}; MicroAI reads sequences of maps only.");
            using var keyValue = map.GetValue(0, OrtAllocator.DefaultInstance);
            using var valueValue = map.GetValue(1, OrtAllocator.DefaultInstance);
            var keys = Read(name + ".keys", keyValue);
            var values = Read(name + ".values", valueValue).ToFloatArray();
            var keyText = keys.ElementType == OnnxElementType.String
                ? keys.ToStringArray()
                : Array.ConvertAll(keys.ToInt64Array(), static k => k.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (keyText.Length != values.Length)
                throw new NotSupportedException($"Output '{name}': map {i} has {keyText.Length} keys but {values.Length} values.");
            rows[i] = new KeyValuePair<string, float>[keyText.Length];
            for (var k = 0; k < keyText.Length; k++)
                rows[i][k] = new KeyValuePair<string, float>(keyText[k], values[k]);
        }
        return new OnnxOutput(name, rows);
    }

    private static T[] Copy<T>(ReadOnlySpan<byte> data) where T : unmanaged =>
        data.IsEmpty ? [] : MemoryMarshal.Cast<byte, T>(data).ToArray();

    private static string Describe(OnnxValueType type) => type switch
    {
        OnnxValueType.ONNX_TYPE_SEQUENCE => "Sequence",
        OnnxValueType.ONNX_TYPE_MAP => "Map",
        OnnxValueType.ONNX_TYPE_OPTIONAL => "Optional",
        OnnxValueType.ONNX_TYPE_SPARSETENSOR => "SparseTensor",
        OnnxValueType.ONNX_TYPE_OPAQUE => "Opaque",
        _ => "value of unknown type",
    };
}
