using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using MicroAI.Engines.Onnx.Native;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using OrtException = Microsoft.ML.OnnxRuntime.OnnxRuntimeException;

namespace MicroAI.Engines.Onnx;

/// <summary>
/// A named input tensor for <see cref="OnnxSession.Run"/>. Numeric data is not copied: the tensor is
/// created over the caller's memory, pinned only for the duration of the run, so the memory must not
/// change while a run uses it (one input may be shared by concurrent runs). Data length must equal the
/// product of the shape; element type and shape are checked against the model by ONNX Runtime.
/// Arrays convert to <see cref="ReadOnlyMemory{T}"/> implicitly: <c>OnnxInput.Float("x", pixels, 1, 1, 28, 28)</c>.
/// </summary>
public sealed class OnnxInput
{
    private readonly long[] _shape;
    private readonly Func<MemoryHandle>? _pin;
    private readonly nuint _byteLength;
    private readonly string[]? _strings;

    private OnnxInput(string name, OnnxElementType elementType, long[] shape, long elementCount,
        Func<MemoryHandle>? pin, nuint byteLength, string[]? strings)
    {
        Name = name;
        ElementType = elementType;
        _shape = shape;
        Shape = Array.AsReadOnly(shape);
        ElementCount = elementCount;
        _pin = pin;
        _byteLength = byteLength;
        _strings = strings;
    }

    public string Name { get; }

    public OnnxElementType ElementType { get; }

    public IReadOnlyList<long> Shape { get; }

    /// <summary>Product of <see cref="Shape"/> (1 for a scalar, whose shape is empty).</summary>
    public long ElementCount { get; }

    public static OnnxInput Float(string name, ReadOnlyMemory<float> data, params long[] shape) => Numeric(name, OnnxElementType.Float, data, shape);

    /// <summary>IEEE 754 half precision (ONNX float16), e.g. for float16 models such as SqueezeNet fp16.</summary>
    public static OnnxInput Float16(string name, ReadOnlyMemory<Half> data, params long[] shape) => Numeric(name, OnnxElementType.Float16, data, shape);

    public static OnnxInput Double(string name, ReadOnlyMemory<double> data, params long[] shape) => Numeric(name, OnnxElementType.Double, data, shape);

    public static OnnxInput Int64(string name, ReadOnlyMemory<long> data, params long[] shape) => Numeric(name, OnnxElementType.Int64, data, shape);

    public static OnnxInput Int32(string name, ReadOnlyMemory<int> data, params long[] shape) => Numeric(name, OnnxElementType.Int32, data, shape);

    public static OnnxInput UInt8(string name, ReadOnlyMemory<byte> data, params long[] shape) => Numeric(name, OnnxElementType.UInt8, data, shape);

    /// <summary>ONNX bool is one byte per element, as .NET's bool is in arrays.</summary>
    public static OnnxInput Bool(string name, ReadOnlyMemory<bool> data, params long[] shape) => Numeric(name, OnnxElementType.Bool, data, shape);

    /// <summary>A string tensor (UTF-8 in ONNX Runtime); the strings are copied into the tensor at run time.</summary>
    public static OnnxInput String(string name, IReadOnlyList<string> data, params long[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        var copy = data.ToArray();
        if (copy.Any(static s => s is null))
            throw new ArgumentException($"Input '{name}': strings may not be null.", nameof(data));
        var count = Validate(name, shape, copy.Length);
        return new OnnxInput(name, OnnxElementType.String, [.. shape], count, pin: null, byteLength: 0, copy);
    }

    private static OnnxInput Numeric<T>(string name, OnnxElementType type, ReadOnlyMemory<T> data, long[] shape) where T : unmanaged
    {
        var count = Validate(name, shape, data.Length);
        return new OnnxInput(name, type, [.. shape], count, data.Pin, (nuint)data.Length * (nuint)Unsafe.SizeOf<T>(), strings: null);
    }

    private static long Validate(string name, long[] shape, int length)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(shape);
        long count = 1;
        foreach (var dim in shape)
        {
            if (dim < 0)
                throw new ArgumentException($"Input '{name}': shape {Format(shape)} has a negative dimension; give the actual size of every dimension.", nameof(shape));
            count = checked(count * dim);
        }
        if (count != length)
            throw new ArgumentException($"Input '{name}': {length} values do not match shape {Format(shape)}, which holds {count}.", nameof(shape));
        return count;
    }

    private static string Format(long[] shape) => "[" + string.Join(',', shape.Select(static d => d.ToString(CultureInfo.InvariantCulture))) + "]";

    /// <summary>
    /// Creates the OrtValue for a run. For numeric data <paramref name="pin"/> keeps the memory fixed and
    /// must be disposed after the value is released; string data is copied and needs no pin.
    /// </summary>
    internal unsafe OrtValue CreateValue(out MemoryHandle pin)
    {
        pin = default;
        try
        {
            if (_strings is not null)
                return CreateStringValue();
            pin = _pin!();
            // Over the pinned memory itself (OrtApi::CreateTensorWithDataAsOrtValue): no copy.
            return OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, (TensorElementType)ElementType, _shape,
                (nint)pin.Pointer, checked((long)_byteLength));
        }
        catch (Exception ex)
        {
            pin.Dispose();
            pin = default;
            if (ex is OrtException ort)
                throw OrtErrors.Translate(ort);
            throw;
        }
    }

    private OrtValue CreateStringValue()
    {
        var value = OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, _shape);
        try
        {
            for (var i = 0; i < _strings!.Length; i++)
                value.StringTensorSetElementAt(_strings[i].AsSpan(), i);
            return value;
        }
        catch
        {
            value.Dispose();
            throw;
        }
    }

    public override string ToString() => $"{Name}: {ElementType}{Format(_shape)}";
}
