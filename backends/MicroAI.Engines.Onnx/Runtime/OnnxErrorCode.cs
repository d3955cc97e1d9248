namespace MicroAI.Engines.Onnx;

/// <summary>ONNX Runtime's OrtErrorCode (onnxruntime_error_code.h), same values.</summary>
public enum OnnxErrorCode
{
    Ok = 0,
    Fail = 1,
    InvalidArgument = 2,
    NoSuchFile = 3,
    NoModel = 4,
    EngineError = 5,
    RuntimeException = 6,
    InvalidProtobuf = 7,
    /// <summary>Historic name: the session is in the wrong state for the call (not "success").</summary>
    ModelLoaded = 8,
    NotImplemented = 9,
    InvalidGraph = 10,
    ExecutionProviderFail = 11,
    ModelLoadCanceled = 12,
    ModelRequiresCompilation = 13,
    NotFound = 14,
    DeviceReset = 15,
}
