using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace MicroAI.Engines.Onnx.Native;

/// <summary>
/// Routes ONNX Runtime's own log messages (otherwise printed to stderr) to an <see cref="ILogger"/>
/// through CreateEnvWithCustomLogger. ONNX Runtime keeps one environment per process and ignores the
/// logger arguments of later CreateEnv calls while it lives, so the bridge holds one process-wide logger
/// rather than one per environment: the shared environment's when there is one, else the first given.
/// </summary>
internal static unsafe class OrtLogBridge
{
    private static ILogger? s_logger;

    /// <summary>The callback for OrtLoggingFunction.</summary>
    public static delegate* unmanaged[Cdecl]<void*, int, byte*, byte*, byte*, byte*, void> Callback => &OnLog;

    /// <summary>Routes ONNX Runtime's messages to <paramref name="logger"/>; an existing logger is kept unless <paramref name="replace"/>.</summary>
    public static void Attach(ILogger logger, bool replace)
    {
        if (replace)
            Volatile.Write(ref s_logger, logger);
        else
            Interlocked.CompareExchange(ref s_logger, logger, null);
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnLog(void* param, int severity, byte* category, byte* logId, byte* codeLocation, byte* message)
    {
        // Called on ONNX Runtime's threads: nothing may escape into native code.
        try
        {
            var logger = Volatile.Read(ref s_logger);
            var level = Map((OrtLoggingLevel)severity);
            if (logger is null || message == null || !logger.IsEnabled(level))
                return;
            logger.Log(level, "onnxruntime [{Category}] {NativeMessage}",
                Marshal.PtrToStringUTF8((nint)category), Marshal.PtrToStringUTF8((nint)message));
        }
        catch
        {
            // A failing log sink must not take the process down.
        }
    }

    private static LogLevel Map(OrtLoggingLevel level) => level switch
    {
        OrtLoggingLevel.Verbose => LogLevel.Trace,
        OrtLoggingLevel.Info => LogLevel.Debug,
        OrtLoggingLevel.Warning => LogLevel.Warning,
        OrtLoggingLevel.Error => LogLevel.Error,
        _ => LogLevel.Critical,
    };
}
