namespace MicroAI.Engines.Onnx;

/// <summary>
/// Element type of a tensor. The values are ONNX's TensorProto.DataType numbers, which ONNX Runtime's
/// ONNXTensorElementDataType uses too, so they cross the native boundary unchanged.
/// </summary>
public enum OnnxElementType
{
    Undefined = 0,
    Float = 1,
    UInt8 = 2,
    Int8 = 3,
    UInt16 = 4,
    Int16 = 5,
    Int32 = 6,
    Int64 = 7,
    String = 8,
    Bool = 9,
    Float16 = 10,
    Double = 11,
    UInt32 = 12,
    UInt64 = 13,
    Complex64 = 14,
    Complex128 = 15,
    BFloat16 = 16,
    Float8E4M3FN = 17,
    Float8E4M3FNUZ = 18,
    Float8E5M2 = 19,
    Float8E5M2FNUZ = 20,
    UInt4 = 21,
    Int4 = 22,
    Float4E2M1 = 23,
    UInt2 = 24,
    Int2 = 25,
    Float8E8M0 = 26,
}
