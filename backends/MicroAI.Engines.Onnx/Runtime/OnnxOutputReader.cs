using MicroAI.Engines.Onnx.Native;

namespace MicroAI.Engines.Onnx;

/// <summary>
/// Copies an output OrtValue that ONNX Runtime allocated into an <see cref="OnnxOutput"/>, so the value
/// can be released right after the run and callers never hold native memory.
/// </summary>
internal static unsafe class OnnxOutputReader
{
    public static OnnxOutput Read(string name, nint value)
    {
        if (value == 0)
            throw new InvalidOperationException($"ONNX Runtime returned no value for output '{name}'.");
        var kind = OrtNative.GetValueType(value);
        if (kind != OrtValueType.Tensor)
            throw new NotSupportedException($"Output '{name}' is a {kind}, not a tensor; MicroAI reads tensor outputs only. Leave it out of the output names.");
        var (type, shape) = OrtNative.GetTensorTypeAndShape(value);
        long count = 1;
        foreach (var dim in shape)
            count = checked(count * dim);
        if (count > Array.MaxLength)
            throw new NotSupportedException($"Output '{name}' has {count} elements, more than a .NET array holds.");
        var n = (int)count;
        if (type == OnnxElementType.String)
            return new OnnxOutput(name, type, shape, OrtNative.GetStringTensor(value, n));
        var data = n == 0 ? null : OrtNative.GetTensorData(value);
        Array array = type switch
        {
            OnnxElementType.Float => Copy<float>(data, n),
            OnnxElementType.Float16 => Copy<Half>(data, n),
            OnnxElementType.BFloat16 => Copy<ushort>(data, n),
            OnnxElementType.Double => Copy<double>(data, n),
            OnnxElementType.Int8 => Copy<sbyte>(data, n),
            OnnxElementType.UInt8 => Copy<byte>(data, n),
            OnnxElementType.Int16 => Copy<short>(data, n),
            OnnxElementType.UInt16 => Copy<ushort>(data, n),
            OnnxElementType.Int32 => Copy<int>(data, n),
            OnnxElementType.UInt32 => Copy<uint>(data, n),
            OnnxElementType.Int64 => Copy<long>(data, n),
            OnnxElementType.UInt64 => Copy<ulong>(data, n),
            OnnxElementType.Bool => Copy<bool>(data, n),
            _ => throw new NotSupportedException($"Output '{name}' has element type {type}, which MicroAI does not read."),
        };
        return new OnnxOutput(name, type, shape, array);
    }

    private static T[] Copy<T>(void* data, int count) where T : unmanaged =>
        count == 0 ? [] : new ReadOnlySpan<T>(data, count).ToArray();
}
