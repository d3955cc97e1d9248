namespace MicroAI.ModelRegistry.Onnx;

/// <summary>Malformed, truncated or hostile protobuf input. Never escapes the public ONNX API.</summary>
internal sealed class ProtobufException(string message) : Exception(message);
