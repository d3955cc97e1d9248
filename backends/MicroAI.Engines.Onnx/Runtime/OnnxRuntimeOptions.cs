namespace MicroAI.Engines.Onnx;

/// <summary>
/// How sessions are created; bound from the configuration section "MicroAI:Onnx". Execution providers
/// are never fatal: one that cannot be used is reported in <see cref="OnnxSession.ProviderReports"/>
/// and the session runs on the CPU.
/// </summary>
public sealed class OnnxRuntimeOptions
{
    /// <summary>Configuration section the server binds these options from.</summary>
    public const string SectionName = "MicroAI:Onnx";

    /// <summary>
    /// auto | cpu | cuda | directml (alias dml) | coreml, case-insensitive. "auto" tries CUDA (when the
    /// ONNX Runtime build has it), then DirectML on Windows, then CoreML on macOS, then the CPU.
    /// Anything else is rejected with an <see cref="ArgumentException"/> when a session is opened.
    /// </summary>
    public string ExecutionProvider { get; set; } = "auto";

    /// <summary>GPU ordinal for CUDA and DirectML (ignored by the CPU and CoreML).</summary>
    public int DeviceId { get; set; }

    /// <summary>Threads used inside one operator; 0 leaves ONNX Runtime's default (one per physical core).</summary>
    public int IntraOpThreads { get; set; }

    /// <summary>Threads running independent operators in parallel; 0 leaves ONNX Runtime's default.</summary>
    public int InterOpThreads { get; set; }

    /// <summary>Folder holding the ONNX Runtime library; null uses the application folder, where the build puts it.</summary>
    public string? NativeDirectory { get; set; }
}
