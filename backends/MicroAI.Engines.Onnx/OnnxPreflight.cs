using MicroAI.Engines.Abstractions;
using MicroAI.Engines.Natives;

namespace MicroAI.Engines.Onnx;

/// <summary>
/// Is ONNX Runtime's library there, and built for this platform? It is optional: without it the
/// server starts and says ONNX models will not load (they then fail with a clear message); one built
/// for another platform is an error, since it is a broken install rather than a choice. Reads the
/// file's header only.
/// </summary>
internal static class OnnxPreflight
{
    public static EnginePreflight Check(string? nativeDirectory)
    {
        if (OnnxRuntimeEnvironment.LocateLibrary(nativeDirectory) is not { } ort)
        {
            var dir = string.IsNullOrEmpty(nativeDirectory) ? AppContext.BaseDirectory : Path.GetFullPath(nativeDirectory);
            return new($"ONNX Runtime: not found in {dir} (ONNX models will not load)", null);
        }
        var binary = NativeBinary.Inspect(ort);
        if (!binary.IsLoadableHere(out var reason))
            return EnginePreflight.Fail($"MicroAI cannot start: {ort} is built for another platform ({reason}); publish for this platform's runtime identifier, or remove it to run without ONNX models.");
        return new($"ONNX Runtime {Path.GetFileName(ort)} ({binary})", null);
    }
}
