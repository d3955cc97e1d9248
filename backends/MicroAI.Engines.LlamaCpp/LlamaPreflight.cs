using MicroAI.Engines.Abstractions;
using MicroAI.Engines.Natives;

namespace MicroAI.Engines.LlamaCpp;

/// <summary>
/// Are llama.cpp's libraries there, and built for this platform? llama.cpp is required (every text
/// model needs it), so a missing or foreign library stops the server with one line naming it and
/// the setting. Reads file headers only and loads nothing, so it costs about a millisecond.
/// </summary>
internal static class LlamaPreflight
{
    public static EnginePreflight Check(string? nativeDirectory)
    {
        var dir = string.IsNullOrEmpty(nativeDirectory) ? AppContext.BaseDirectory : Path.GetFullPath(nativeDirectory);
        var parts = new List<string>();
        foreach (var (name, path) in LlamaRuntime.LocateRequiredLibraries(nativeDirectory))
        {
            if (path is null)
                return EnginePreflight.Fail($"MicroAI cannot start: the llama.cpp library '{name}' is not in {dir}; " +
                    "copy the natives published beside the executable, or set MicroAI:NativeDirectory (MicroAI__NativeDirectory) to their folder.");
            var binary = NativeBinary.Inspect(path);
            if (!binary.IsLoadableHere(out var reason))
                return EnginePreflight.Fail($"MicroAI cannot start: {path} is built for another platform ({reason}); publish for this platform's runtime identifier.");
            if (name == "llama")
                parts.Add($"llama.cpp {Path.GetFileName(path)} ({binary})");
        }
        var backends = LlamaRuntime.LocateBackends(nativeDirectory);
        var cpuVariants = backends.Count(b => b.StartsWith("cpu", StringComparison.Ordinal));
        var found = new List<string>();
        if (cpuVariants > 0)
            found.Add($"cpu ({cpuVariants} variant{(cpuVariants == 1 ? "" : "s")}; ggml picks the best for this processor)");
        found.AddRange(backends.Where(b => !b.StartsWith("cpu", StringComparison.Ordinal)));
        parts.Add("ggml backends: " + (found.Count > 0 ? string.Join(", ", found) : "none beside libggml (its built-in CPU backend)"));
        return new($"Natives in {dir}: {string.Join("; ", parts)}", null);
    }
}
