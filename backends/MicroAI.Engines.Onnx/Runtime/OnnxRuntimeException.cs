namespace MicroAI.Engines.Onnx;

/// <summary>
/// An error reported by ONNX Runtime (a non-null OrtStatus): <see cref="Exception.Message"/> is ONNX
/// Runtime's own text, <see cref="ErrorCode"/> its error code. Raised for corrupt or unsupported models,
/// unknown input names, wrong shapes or element types, and failures inside a run.
/// </summary>
public sealed class OnnxRuntimeException : Exception
{
    public OnnxRuntimeException(OnnxErrorCode errorCode, string message) : base(message) => ErrorCode = errorCode;

    public OnnxRuntimeException(OnnxErrorCode errorCode, string message, Exception? innerException)
        : base(message, innerException) => ErrorCode = errorCode;

    /// <summary>ONNX Runtime's error code.</summary>
    public OnnxErrorCode ErrorCode { get; }
}
