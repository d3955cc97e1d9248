namespace MicroAI.ModelRegistry.Onnx;

/// <summary>Names for ONNX TensorProto.DataType values.</summary>
public static class OnnxElementTypes
{
    public const string Float32 = "float32";
    public const string Float16 = "float16";
    public const string BFloat16 = "bfloat16";
    public const string Double = "double";
    public const string Int64 = "int64";
    public const string Int32 = "int32";
    public const string UInt8 = "uint8";
    public const string Bool = "bool";
    public const string String = "string";

    private static readonly string[] Names =
    [
        "undefined", Float32, UInt8, "int8", "uint16", "int16", Int32, Int64, String, Bool,
        Float16, Double, "uint32", "uint64", "complex64", "complex128", BFloat16,
        "float8e4m3fn", "float8e4m3fnuz", "float8e5m2", "float8e5m2fnuz",
        "uint4", "int4", "float4e2m1", "float8e8m0", "uint2", "int2",
    ];

    /// <summary>The name of a TensorProto.DataType value; "type&lt;n&gt;" for values this version does not know.</summary>
    public static string FromDataType(int dataType) =>
        dataType >= 0 && dataType < Names.Length ? Names[dataType] : $"type<{dataType}>";

    public static bool IsFloatingPoint(string elementType) =>
        elementType is Float32 or Float16 or BFloat16 or Double;
}
