using OrtException = Microsoft.ML.OnnxRuntime.OnnxRuntimeException;

namespace MicroAI.Engines.Onnx.Native;

/// <summary>
/// Turns the managed API's exception into ours. Its error code is not public; its message carries it
/// as "[ErrorCode:NoSuchFile] text", the format the managed API has written since its first release,
/// so the code is read from there and the prefix dropped. An unknown name becomes <see cref="OnnxErrorCode.Fail"/>.
/// </summary>
internal static class OrtErrors
{
    private const string Prefix = "[ErrorCode:";

    public static OnnxRuntimeException Translate(OrtException ex) => FromMessage(ex.Message, ex);

    /// <summary>Our exception from the managed API's message text; <paramref name="inner"/> is kept as the inner exception.</summary>
    public static OnnxRuntimeException FromMessage(string message, Exception? inner)
    {
        var code = OnnxErrorCode.Fail;
        var end = message.IndexOf(']', StringComparison.Ordinal);
        if (message.StartsWith(Prefix, StringComparison.Ordinal) && end > 0)
        {
            if (Enum.TryParse<OnnxErrorCode>(message.AsSpan(Prefix.Length, end - Prefix.Length), out var parsed) && Enum.IsDefined(parsed))
                code = parsed;
            message = message[(end + 1)..];
        }
        // ONNX Runtime's messages sometimes end in a newline; an exception message should not.
        message = message.Trim();
        return new OnnxRuntimeException(code, message.Length == 0 ? "ONNX Runtime reported an error without a message." : message, inner);
    }
}
