using System.Runtime.InteropServices;

namespace MicroAI.Engines.Onnx.Native;

internal static unsafe partial class OrtNative
{
    /// <summary>
    /// OrtApi::CreateTensorWithDataAsOrtValue: a tensor over a caller-owned CPU buffer, which must stay
    /// pinned and alive until the value is released (ONNX Runtime does not copy it, nor free it).
    /// </summary>
    public static SafeOrtValueHandle CreateTensorWithData(void* data, nuint byteLength, ReadOnlySpan<long> shape, OnnxElementType type)
    {
        nint value;
        fixed (long* dims = shape)
            Check(((delegate* unmanaged[Cdecl]<nint, void*, nuint, long*, nuint, int, nint*, nint>)Api[OrtApiIndex.CreateTensorWithDataAsOrtValue])(
                CpuMemoryInfo.DangerousGetHandle(), data, byteLength, dims, (nuint)shape.Length, (int)type, &value));
        return SafeOrtHandle.Own<SafeOrtValueHandle>(value);
    }

    /// <summary>
    /// A string tensor: OrtApi::CreateTensorAsOrtValue with the default allocator, then FillStringTensor,
    /// which copies the strings into the tensor.
    /// </summary>
    public static SafeOrtValueHandle CreateStringTensor(IReadOnlyList<string> strings, ReadOnlySpan<long> shape)
    {
        nint raw;
        fixed (long* dims = shape)
            Check(((delegate* unmanaged[Cdecl]<nint, long*, nuint, int, nint*, nint>)Api[OrtApiIndex.CreateTensorAsOrtValue])(
                DefaultAllocator, dims, (nuint)shape.Length, (int)OnnxElementType.String, &raw));
        var value = SafeOrtHandle.Own<SafeOrtValueHandle>(raw);
        try
        {
            using var text = new NativeUtf8Strings(strings);
            Check(((delegate* unmanaged[Cdecl]<nint, byte**, nuint, nint>)Api[OrtApiIndex.FillStringTensor])(raw, text.Pointers, (nuint)text.Count));
            return value;
        }
        catch
        {
            value.Dispose();
            throw;
        }
    }

    public static OrtValueType GetValueType(nint value)
    {
        int kind;
        Check(((delegate* unmanaged[Cdecl]<nint, int*, nint>)Api[OrtApiIndex.GetValueType])(value, &kind));
        return (OrtValueType)kind;
    }

    /// <summary>Element type and shape of a tensor value (OrtApi::GetTensorTypeAndShape, released here).</summary>
    public static (OnnxElementType Type, long[] Shape) GetTensorTypeAndShape(nint value)
    {
        nint raw;
        Check(((delegate* unmanaged[Cdecl]<nint, nint*, nint>)Api[OrtApiIndex.GetTensorTypeAndShape])(value, &raw));
        using var info = SafeOrtHandle.Own<SafeOrtTensorTypeAndShapeInfoHandle>(raw);
        return ReadTypeAndShape(raw);
    }

    /// <summary>Reads an OrtTensorTypeAndShapeInfo*: GetTensorElementType, GetDimensionsCount, GetDimensions (-1 for symbolic dimensions).</summary>
    private static (OnnxElementType Type, long[] Shape) ReadTypeAndShape(nint info)
    {
        int type;
        Check(((delegate* unmanaged[Cdecl]<nint, int*, nint>)Api[OrtApiIndex.GetTensorElementType])(info, &type));
        nuint rank;
        Check(((delegate* unmanaged[Cdecl]<nint, nuint*, nint>)Api[OrtApiIndex.GetDimensionsCount])(info, &rank));
        var shape = new long[checked((int)rank)];
        fixed (long* dims = shape)
            Check(((delegate* unmanaged[Cdecl]<nint, long*, nuint, nint>)Api[OrtApiIndex.GetDimensions])(info, dims, rank));
        return ((OnnxElementType)type, shape);
    }

    /// <summary>OrtApi::GetSymbolicDimensions: the dimension names ("" for fixed or unnamed ones); the strings belong to <paramref name="info"/>.</summary>
    private static string[] ReadSymbolicDimensions(nint info, int rank)
    {
        var names = new byte*[rank];
        fixed (byte** p = names)
            Check(((delegate* unmanaged[Cdecl]<nint, byte**, nuint, nint>)Api[OrtApiIndex.GetSymbolicDimensions])(info, p, (nuint)rank));
        var result = new string[rank];
        for (var i = 0; i < rank; i++)
            result[i] = Marshal.PtrToStringUTF8((nint)names[i]) ?? string.Empty;
        return result;
    }

    /// <summary>OrtApi::GetTensorMutableData: the tensor's buffer, owned by the value.</summary>
    public static void* GetTensorData(nint value)
    {
        void* data;
        Check(((delegate* unmanaged[Cdecl]<nint, void**, nint>)Api[OrtApiIndex.GetTensorMutableData])(value, &data));
        return data;
    }

    /// <summary>All strings of a string tensor: GetStringTensorDataLength, then GetStringTensorContent (concatenated bytes + offsets).</summary>
    public static string[] GetStringTensor(nint value, int count)
    {
        if (count == 0)
            return [];
        nuint length;
        Check(((delegate* unmanaged[Cdecl]<nint, nuint*, nint>)Api[OrtApiIndex.GetStringTensorDataLength])(value, &length));
        // At least one byte, so the pointer passed is never null even when every string is empty.
        var bytes = new byte[Math.Max(1, checked((int)length))];
        var offsets = new nuint[count];
        fixed (byte* b = bytes)
        fixed (nuint* o = offsets)
            Check(((delegate* unmanaged[Cdecl]<nint, void*, nuint, nuint*, nuint, nint>)Api[OrtApiIndex.GetStringTensorContent])(
                value, b, length, o, (nuint)count));
        var strings = new string[count];
        for (var i = 0; i < count; i++)
        {
            var start = (int)offsets[i];
            var end = i + 1 < count ? (int)offsets[i + 1] : (int)length;
            strings[i] = System.Text.Encoding.UTF8.GetString(bytes, start, end - start);
        }
        return strings;
    }

    public static void ReleaseValue(nint value) => Release(OrtApiIndex.ReleaseValue, value);
}
