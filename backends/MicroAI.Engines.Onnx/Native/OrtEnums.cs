namespace MicroAI.Engines.Onnx.Native;

// C enums of onnxruntime_c_api.h that we pass or receive; values as declared there. C enums are
// int-sized on every platform ONNX Runtime supports, so they cross the boundary as int.
// ONNXTensorElementDataType is the public OnnxElementType (same values) and OrtErrorCode the public OnnxErrorCode.

/// <summary>OrtLoggingLevel: the minimum severity ONNX Runtime reports.</summary>
internal enum OrtLoggingLevel
{
    Verbose = 0,
    Info = 1,
    Warning = 2,
    Error = 3,
    Fatal = 4,
}

/// <summary>ONNXType: what kind of value an input, output or OrtValue is.</summary>
internal enum OrtValueType
{
    Unknown = 0,
    Tensor = 1,
    Sequence = 2,
    Map = 3,
    Opaque = 4,
    SparseTensor = 5,
    Optional = 6,
}

/// <summary>GraphOptimizationLevel.</summary>
internal enum OrtGraphOptimizationLevel
{
    DisableAll = 0,
    EnableBasic = 1,
    EnableExtended = 2,
    EnableLayout = 3,
    EnableAll = 99,
}

/// <summary>ExecutionMode.</summary>
internal enum OrtExecutionMode
{
    Sequential = 0,
    Parallel = 1,
}

/// <summary>OrtAllocatorType.</summary>
internal enum OrtAllocatorType
{
    Invalid = -1,
    Device = 0,
    Arena = 1,
    ReadOnly = 2,
}

/// <summary>OrtMemType.</summary>
internal enum OrtMemType
{
    CpuInput = -2,
    CpuOutput = -1,
    Default = 0,
}
