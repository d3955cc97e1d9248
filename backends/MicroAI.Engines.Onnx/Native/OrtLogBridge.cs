using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace MicroAI.Engines.Onnx.Native;

/// <summary>
/// Routes ONNX Runtime's own log messages (otherwise printed to stderr) to an <see cref="ILogger"/>
/// through the logging function of <see cref="EnvironmentCreationOptions"/>. ONNX Runtime keeps one
/// environment per process, created once, so the bridge holds one process-wide logger rather than one
/// per <see cref="OnnxRuntimeEnvironment"/>: the shared environment's when there is one, else the first given.
/// </summary>
internal static class OrtLogBridge
{
    private static ILogger? s_logger;

    /// <summary>Kept in a static field: ONNX Runtime calls it through a native pointer for the life of the process.</summary>
    public static readonly DOrtLoggingFunction Callback = OnLog;

    /// <summary>Routes ONNX Runtime's messages to <paramref name="logger"/>; an existing logger is kept unless <paramref name="replace"/>.</summary>
    public static void Attach(ILogger logger, bool replace)
    {
        if (replace)
            Volatile.Write(ref s_logger, logger);
        else
            Interlocked.CompareExchange(ref s_logger, logger, null);
    }

    private static void OnLog(nint param, OrtLoggingLevel severity, string category, string logId, string codeLocation, string message)
    {
        // Called on ONNX Runtime's threads: nothing may escape into native code.
        try
        {
            var logger = Volatile.Read(ref s_logger);
            var level = Map(severity);
            if (logger is null || message is null || !logger.IsEnabled(level))
                return;
            logger.Log(level, "onnxruntime [{Category}] {NativeMessage}", category, message);
        }
        catch
        {
            // A failing log sink must not take the process down.
        }
    }

    private static LogLevel Map(OrtLoggingLevel level) => level switch
    {
        OrtLoggingLevel.ORT_LOGGING_LEVEL_VERBOSE => LogLevel.Trace,
        OrtLoggingLevel.ORT_LOGGING_LEVEL_INFO => LogLevel.Debug,
        OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING => LogLevel.Warning,
        OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR => LogLevel.Error,
        _ => LogLevel.Critical,
    };
}
