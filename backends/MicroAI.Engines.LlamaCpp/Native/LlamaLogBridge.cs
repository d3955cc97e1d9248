using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Extensions.Logging;

namespace MicroAI.Engines.LlamaCpp.Native;

/// <summary>
/// Routes llama.cpp and ggml log output (normally written to stderr) to an <see cref="ILogger"/>.
/// ggml emits a line in fragments (level CONT continues the previous one), so fragments are
/// buffered per thread until a newline.
/// </summary>
internal static unsafe class LlamaLogBridge
{
    private static ILogger? s_logger;

    [ThreadStatic] private static StringBuilder? t_line;
    [ThreadStatic] private static LogLevel t_level;
    [ThreadStatic] private static Action<string>? t_observer;

    public static void Attach(ILogger logger)
    {
        s_logger = logger;
        LlamaNative.llama_log_set(&OnLog, null);
    }

    /// <summary>
    /// Hands every complete line logged on the calling thread to <paramref name="observer"/> as well,
    /// until the result is disposed. llama.cpp calls some long operations' log lines from the thread
    /// that called it (llama_model_quantize logs "[ i/ n] tensor …" once per tensor there), which is
    /// the only progress those operations report.
    /// </summary>
    public static IDisposable ObserveThisThread(Action<string> observer)
    {
        t_observer = observer;
        return new Observation();
    }

    private sealed class Observation : IDisposable
    {
        public void Dispose() => t_observer = null;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnLog(int level, byte* text, void* userData)
    {
        var logger = s_logger;
        if ((logger is null && t_observer is null) || text == null)
            return;
        var fragment = Marshal.PtrToStringUTF8((nint)text) ?? string.Empty;
        var line = t_line ??= new StringBuilder();
        if ((GgmlLogLevel)level != GgmlLogLevel.Cont)
            t_level = Map((GgmlLogLevel)level);
        line.Append(fragment);
        if (fragment.EndsWith('\n'))
        {
            var message = line.ToString().TrimEnd();
            line.Clear();
            if (message.Length == 0)
                return;
            t_observer?.Invoke(message);
            if (logger is not null && logger.IsEnabled(t_level))
                logger.Log(t_level, "{NativeMessage}", message);
        }
    }

    private static LogLevel Map(GgmlLogLevel level) => level switch
    {
        GgmlLogLevel.Error => LogLevel.Error,
        GgmlLogLevel.Warn => LogLevel.Warning,
        GgmlLogLevel.Info => LogLevel.Information,
        GgmlLogLevel.Debug => LogLevel.Debug,
        _ => LogLevel.Debug,
    };
}
