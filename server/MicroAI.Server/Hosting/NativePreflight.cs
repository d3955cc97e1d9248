using MicroAI.Backends.LlamaCpp;
using MicroAI.Backends.Natives;
using MicroAI.Backends.Onnx;

namespace MicroAI.Server.Hosting;

/// <summary>What the start-up check found: one line to log, or one line saying why the server cannot start.</summary>
internal sealed record NativePreflightResult(string Report, string? Problem);

/// <summary>
/// Before the server listens: are the engines' native libraries there, and built for this platform?
/// llama.cpp is required (every text model needs it); ONNX Runtime is optional (reported as absent,
/// its models then fail to load with a clear message), but one built for another platform is an
/// error, since it is a broken install rather than a choice. Reads file headers only and loads
/// nothing, so it costs about a millisecond.
/// </summary>
internal static class NativePreflight
{
    public static NativePreflightResult Check(string? llamaDirectory, string? onnxDirectory)
    {
        var llamaDir = Describe(llamaDirectory);
        var parts = new List<string>();
        foreach (var (name, path) in LlamaRuntime.LocateRequiredLibraries(llamaDirectory))
        {
            if (path is null)
                return Fail($"MicroAI cannot start: the llama.cpp library '{name}' is not in {llamaDir}; " +
                    "copy the natives published beside the executable, or set MicroAI:NativeDirectory (MicroAI__NativeDirectory) to their folder.");
            var binary = NativeBinary.Inspect(path);
            if (!binary.IsLoadableHere(out var reason))
                return Fail($"MicroAI cannot start: {path} is built for another platform ({reason}); publish for this platform's runtime identifier.");
            if (name == "llama")
                parts.Add($"llama.cpp {Path.GetFileName(path)} ({binary})");
        }
        var backends = LlamaRuntime.LocateBackends(llamaDirectory);
        var cpuVariants = backends.Count(b => b.StartsWith("cpu", StringComparison.Ordinal));
        var found = new List<string>();
        if (cpuVariants > 0)
            found.Add($"cpu ({cpuVariants} variant{(cpuVariants == 1 ? "" : "s")}; ggml picks the best for this processor)");
        found.AddRange(backends.Where(b => !b.StartsWith("cpu", StringComparison.Ordinal)));
        parts.Add("ggml backends: " + (found.Count > 0 ? string.Join(", ", found) : "none beside libggml (its built-in CPU backend)"));

        if (OnnxRuntimeEnvironment.LocateLibrary(onnxDirectory) is { } ort)
        {
            var binary = NativeBinary.Inspect(ort);
            if (!binary.IsLoadableHere(out var reason))
                return Fail($"MicroAI cannot start: {ort} is built for another platform ({reason}); publish for this platform's runtime identifier, or remove it to run without ONNX models.");
            parts.Add($"ONNX Runtime {Path.GetFileName(ort)} ({binary})");
        }
        else
        {
            parts.Add($"ONNX Runtime: not found in {Describe(onnxDirectory)} (ONNX models will not load)");
        }
        return new($"Natives in {llamaDir}: {string.Join("; ", parts)}", null);
    }

    private static NativePreflightResult Fail(string problem) => new("", problem);

    private static string Describe(string? directory) =>
        string.IsNullOrEmpty(directory) ? AppContext.BaseDirectory : Path.GetFullPath(directory);
}
